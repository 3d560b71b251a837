import BosunModel
import Foundation

/// One version of a credential: its public metadata (safe to show anywhere) and its secret
/// fields (redacted in every description).
public struct GeneratedCredential: Sendable, Hashable {
    /// Variable name.
    public var name: String
    /// Variable type.
    public var type: VariableType
    /// The CA variable that signed it (certificates only; a root CA names itself).
    public var ca: String?
    /// Start of validity (certificates only).
    public var notBefore: Date?
    /// End of validity (certificates only).
    public var notAfter: Date?
    /// SHA-256 of the certificate's DER (certificates) or of the public key's DER (rsa, ssh),
    /// lower-case hex; nil for passwords, whose hash would only help guess them.
    public var fingerprint: String?
    /// The secret values.
    public var secret: SecretFields

    public init(
        name: String, type: VariableType, ca: String?, notBefore: Date?, notAfter: Date?, fingerprint: String?,
        secret: SecretFields
    ) {
        self.name = name
        self.type = type
        self.ca = ca
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.fingerprint = fingerprint
        self.secret = secret
    }
}
