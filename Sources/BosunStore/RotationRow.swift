import GRDB

/// One row of the `rotations` view: a credential rotation, in flight or finished. No secret.
public struct RotationRow: Sendable, Hashable, Codable, FetchableRecord {
    public var cluster: String
    public var name: String
    /// `leaf` (one phase) or `ca` (three).
    public var kind: String
    public var phase: Int
    /// The phase in words (`phase 2 of 3: certificates re-issued by CA v2`, `finished`).
    public var status: String
    public var fromVersion: Int
    public var toVersion: Int
    /// `operator` (`creds rotate`) or `expiry` (automatic rotation).
    public var trigger: String
    public var startedAt: String
    public var phaseStartedAt: String
    public var finishedAt: String?
    public var inFlight: Bool

    /// Phases the rotation has in all.
    public var phases: Int { kind == "ca" ? 3 : 1 }

    enum CodingKeys: String, CodingKey {
        case cluster, name, kind, phase, status, trigger
        case fromVersion = "from_version", toVersion = "to_version", startedAt = "started_at"
        case phaseStartedAt = "phase_started_at", finishedAt = "finished_at", inFlight = "in_flight"
    }
}
