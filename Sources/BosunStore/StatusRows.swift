import BosunSpec
import GRDB

/// One row of the `cluster_status` view.
public struct ClusterStatus: Codable, Sendable, Hashable, FetchableRecord {
    public var cluster: String
    public var provider: String
    public var lifecycle: String
    public var phase: String
    public var generation: Int
    public var observedGeneration: Int
    public var desired: Int
    public var running: Int
    public var healthy: Int
    public var lastPassAt: String?
    public var lastError: String?
    public var sourcePath: String
    public var acceptedAt: String
    public var updatedAt: String
    /// When a listing first found the spec file missing (`pending-deletion`, `held`).
    public var missingSince: String?
    /// When teardown starts unless the file returns (`pending-deletion`).
    public var teardownAt: String?
    /// When the cluster was last observed: its last pass, or `bosun run`'s last drift sweep if
    /// later (filled in by `bosun status`, not a column of the view).
    public var lastObservedAt: String?

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}

/// One row of the `instance_status` view.
public struct InstanceStatus: Codable, Sendable, Hashable, FetchableRecord {
    public var instance: String
    public var cluster: String
    public var group: String
    public var index: Int
    public var az: String
    public var vmId: String?
    public var diskId: String?
    public var state: String
    public var health: String
    public var inLb: Bool
    public var updatedAt: String

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}

/// One row of the `spec_errors` view: a rejected file and its first problem.
public struct SpecErrorRow: Codable, Sendable, Hashable, FetchableRecord {
    public var path: String
    public var cluster: String?
    public var line: Int
    public var column: Int
    public var field: String
    public var message: String
    public var errorCount: Int
    public var at: String
    /// The file the error is in: the spec file, or a file a composed spec file refers to (its
    /// base, an ops file, a vars file) or the composed document (`PATH (composed)`).
    public var file: String

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    /// `file:line:column: field: message`, as `bosun validate` prints it.
    public var formatted: String { "\(SpecExcerpt.escaped(file)):\(line):\(column): \(field): \(message)" }
}

/// One row of the `events` table.
public struct EventRow: Codable, Sendable, Hashable, FetchableRecord {
    public var id: Int64
    public var at: String
    public var cluster: String?
    public var instance: String?
    public var kind: String
    public var message: String
}
