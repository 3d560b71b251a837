import GRDB

/// One row of the `credentials` view: a credential version's metadata. It has no secret field,
/// so nothing built from it (tables, `--json`, logs) can show one.
public struct CredentialRow: Sendable, Hashable, Codable, FetchableRecord {
    public var cluster: String
    public var name: String
    public var type: String
    public var version: Int
    /// The CA variable that signed it (a root CA names itself).
    public var ca: String?
    /// Validity, as the database writes times (UTC, `yyyy-MM-dd HH:mm:ss.SSS`).
    public var notBefore: String?
    public var notAfter: String?
    /// SHA-256 of the certificate or public key DER, hex; nil for passwords.
    public var sha256Fingerprint: String?
    public var transitional: Bool
    /// Groups whose properties reference it, comma-separated.
    public var referencedBy: String
    public var createdAt: String
    /// Whether this is the newest version.
    public var current: Bool

    enum CodingKeys: String, CodingKey {
        case cluster, name, type, version, ca, transitional, current
        case notBefore = "not_before", notAfter = "not_after", sha256Fingerprint = "sha256_fingerprint"
        case referencedBy = "referenced_by", createdAt = "created_at"
    }
}
