/// The `credentials:` block of a cluster: when a certificate counts as expiring, and whether
/// Bosun rotates it by itself then.
public struct CredentialPolicy: Sendable, Hashable, Codable {
    /// A certificate whose `notAfter` is closer than this raises a `certificate-expiring`
    /// finding and event (default 30 days).
    public var rotateBeforeSeconds: Int
    /// Whether an expiring certificate is rotated without an operator (`creds rotate` for it,
    /// trigger `expiry`). Off by default: a rotation restarts instances.
    public var autoRotate: Bool

    public init(rotateBeforeSeconds: Int = Self.defaults.rotateBeforeSeconds, autoRotate: Bool = false) {
        self.rotateBeforeSeconds = rotateBeforeSeconds
        self.autoRotate = autoRotate
    }

    /// 30 days' notice, no automatic rotation.
    public static let defaults = CredentialPolicy(rotateBeforeSeconds: 30 * 86_400, autoRotate: false)
}
