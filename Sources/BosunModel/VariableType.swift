/// The kinds of credential a spec can declare (the BOSH manifest names).
public enum VariableType: String, Sendable, Hashable, Codable, CaseIterable {
    /// A random alphanumeric password.
    case password
    /// An X.509 certificate with its private key, signed by a `ca` variable or self-signed CA.
    case certificate
    /// An RSA key pair (PEM).
    case rsa
    /// An SSH key pair: a PEM private key and an OpenSSH `ssh-rsa` public key.
    case ssh

    /// The `((name.key))` keys a value of this type has, in the order `creds get` lists them.
    public var keys: [String] {
        switch self {
        case .password: ["password"]
        case .certificate: ["certificate", "private_key", "ca"]
        case .rsa: ["private_key", "public_key"]
        case .ssh: ["private_key", "public_key", "public_key_fingerprint"]
        }
    }

    /// Whether a whole-value reference `((name))` is a string (passwords) rather than a mapping.
    public var isScalar: Bool { self == .password }
}
