import Foundation
import GRDB

/// One row of the `orphaned_disks` view.
public struct OrphanedDisk: Codable, Sendable, Hashable, FetchableRecord {
    public var disk: String
    public var cluster: String
    public var sizeMib: Int
    public var type: String?
    public var orphanedAt: String
    public var ageDays: Double

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}

extension Store {
    public func orphanedDisks() throws -> [OrphanedDisk] {
        try pool.read { db in try OrphanedDisk.fetchAll(db, sql: "SELECT * FROM orphaned_disks ORDER BY orphaned_at, disk") }
    }

    /// Records that an orphaned disk was deleted at the provider.
    public func markDiskDeleted(_ id: String) throws {
        try write { db in
            guard let cluster = try String.fetchOne(db, sql: "SELECT cluster FROM disks WHERE id = ? AND state = 'orphaned'", arguments: [id]) else {
                throw StoreError.notFound("orphaned disk '\(id)'")
            }
            try db.execute(sql: "UPDATE disks SET state = 'deleted', orphaned_at = NULL, updated_at = ? WHERE id = ?", arguments: [now(), id])
            try insertEvent(db, cluster: cluster, instance: nil, kind: "disk-deleted", message: "orphaned disk \(id) deleted by an operator")
        }
    }
}
