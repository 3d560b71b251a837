import GRDB

/// One row of the `findings` view: something observation found wrong with a cluster.
public struct FindingRow: Codable, Sendable, Hashable, FetchableRecord {
    public var id: Int
    public var cluster: String
    public var instance: String?
    public var kind: String
    public var resource: String
    public var detail: String
    public var firstSeen: String
    public var lastSeen: String
    public var state: String
    public var resolvedAt: String?

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}

/// Where a finding stands.
public enum FindingState: String, Sendable, Hashable, CaseIterable {
    /// Seen; nothing heals it (yet).
    case open
    /// The current plan acts on it.
    case healing
    /// Seen and left alone on purpose: meltdown, or `healing.enabled: false`.
    case suppressed
    /// No longer seen.
    case resolved
}

/// What one `recordFindings` call changed.
public struct FindingChanges: Sendable, Hashable {
    /// Findings seen for the first time (each got an event).
    public var opened: Int = 0
    /// Findings no longer seen (each got an event).
    public var resolved: Int = 0

    public init() {}
}
