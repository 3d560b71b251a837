/// The `options` of a `certificate` variable, with defaults filled in.
public struct CertificateOptions: Sendable, Hashable, Codable {
    /// Whether this certificate is a certificate authority.
    public var isCA: Bool
    /// The CA variable that signs it; `nil` only for a self-signed (root) CA.
    public var ca: String?
    /// Subject common name; defaults to the variable name.
    public var commonName: String
    /// Subject organization, if any.
    public var organization: String?
    /// Subject alternative names: IPv4/IPv6 addresses become IP SANs, everything else DNS names.
    public var alternativeNames: [String]
    /// Extended key usages.
    public var extendedKeyUsage: [ExtendedKeyUsage]
    /// Key usages; empty means the default (CA: key_cert_sign + crl_sign; leaf: digital_signature + key_encipherment).
    public var keyUsage: [KeyUsage]
    /// Validity in days, 1…36500 (default 365).
    public var durationDays: Int
    /// Key algorithm (default ECDSA P-256).
    public var keyType: KeyType

    public init(
        isCA: Bool, ca: String?, commonName: String, organization: String?, alternativeNames: [String],
        extendedKeyUsage: [ExtendedKeyUsage], keyUsage: [KeyUsage], durationDays: Int, keyType: KeyType
    ) {
        self.isCA = isCA
        self.ca = ca
        self.commonName = commonName
        self.organization = organization
        self.alternativeNames = alternativeNames
        self.extendedKeyUsage = extendedKeyUsage
        self.keyUsage = keyUsage
        self.durationDays = durationDays
        self.keyType = keyType
    }

    /// Extended key usages a spec may ask for.
    public enum ExtendedKeyUsage: String, Sendable, Hashable, Codable, CaseIterable {
        case clientAuth = "client_auth"
        case serverAuth = "server_auth"
    }

    /// Key usages a spec may ask for (RFC 5280 names, BOSH spelling).
    public enum KeyUsage: String, Sendable, Hashable, Codable, CaseIterable {
        case digitalSignature = "digital_signature"
        case nonRepudiation = "non_repudiation"
        case keyEncipherment = "key_encipherment"
        case dataEncipherment = "data_encipherment"
        case keyAgreement = "key_agreement"
        case keyCertSign = "key_cert_sign"
        case crlSign = "crl_sign"
        case encipherOnly = "encipher_only"
        case decipherOnly = "decipher_only"
    }

    /// Key algorithms a certificate may use.
    public enum KeyType: String, Sendable, Hashable, Codable, CaseIterable {
        case ecdsa = "ecdsa-p256"
        case rsa = "rsa-2048"
    }
}
