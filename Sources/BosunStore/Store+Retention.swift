import Foundation
import GRDB

extension Store {
    /// The journal states pruning may delete. Pending and running rows are never touched: they
    /// are what journal recovery resolves after a crash.
    private static let finished = "state IN ('succeeded', 'failed', 'cancelled')"

    /// Deletes history beyond `policy`: finished actions and events older than `maxAge`, then
    /// the oldest beyond the per-cluster caps, then the known keys of clusters deleted longer
    /// than `maxAge` ago. Each batch of at most `batchSize` rows is its own write transaction
    /// that finds its rows through an index; the whole-table counts that find clusters over a
    /// cap run as reads. So a pass never waits long for the write lock.
    ///
    /// A pruned `create-vm` / `create-disk` row that ever started (attempts > 0) leaves its
    /// idempotency key in `known_keys`, in the same transaction: `clusterState` reads known keys
    /// from both, so pruning never turns Bosun's own VM into a rogue.
    @discardableResult
    public func prune(_ policy: RetentionPolicy) throws -> PruneReport {
        let cutoff = now().addingTimeInterval(-Self.seconds(policy.maxAge))
        let batch = max(1, policy.batchSize)
        var report = PruneReport()
        var batches = 0  // kept apart from `report`, which the delete closures update meanwhile

        // Old finished actions, oldest first, through the partial index on finished_at.
        batches += try drain { db in
            try Int64.fetchAll(
                db, sql: "SELECT id FROM actions WHERE \(Self.finished) AND finished_at < ? ORDER BY finished_at LIMIT ?",
                arguments: [cutoff, batch])
        } delete: { db, ids in try self.deleteActions(db, ids, report: &report) }

        // Clusters over the action cap: keep the newest `actionsPerCluster` finished rows.
        let busyJournals = try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT cluster FROM actions WHERE \(Self.finished) GROUP BY cluster HAVING count(*) > ?",
                arguments: [policy.actionsPerCluster]
            ).map { $0["cluster"] as String }
        }
        for cluster in busyJournals {
            guard let bound = try pool.read({ db in
                try Int64.fetchOne(
                    db, sql: "SELECT id FROM actions WHERE cluster = ? AND \(Self.finished) ORDER BY id DESC LIMIT 1 OFFSET ?",
                    arguments: [cluster, policy.actionsPerCluster])
            }) else { continue }
            batches += try drain { db in
                try Int64.fetchAll(
                    db, sql: "SELECT id FROM actions WHERE cluster = ? AND \(Self.finished) AND id <= ? ORDER BY id LIMIT ?",
                    arguments: [cluster, bound, batch])
            } delete: { db, ids in try self.deleteActions(db, ids, report: &report) }
        }

        // Old events, through events_by_at.
        batches += try drain { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM events WHERE at < ? ORDER BY at LIMIT ?", arguments: [cutoff, batch])
        } delete: { db, ids in try self.deleteEvents(db, ids, report: &report) }

        // Clusters (and cluster-less events, grouped as NULL) over the event cap.
        let noisy = try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT cluster FROM events GROUP BY cluster HAVING count(*) > ?", arguments: [policy.eventsPerCluster]
            ).map { $0["cluster"] as String? }
        }
        for cluster in noisy {
            guard let bound = try pool.read({ db in
                try Int64.fetchOne(
                    db, sql: "SELECT id FROM events WHERE cluster IS ? ORDER BY id DESC LIMIT 1 OFFSET ?",
                    arguments: [cluster, policy.eventsPerCluster])
            }) else { continue }
            batches += try drain { db in
                try Int64.fetchAll(
                    db, sql: "SELECT id FROM events WHERE cluster IS ? AND id <= ? ORDER BY id LIMIT ?", arguments: [cluster, bound, batch])
            } delete: { db, ids in try self.deleteEvents(db, ids, report: &report) }
        }

        // A deleted cluster has no VM left that Bosun made (its teardown plan came out empty),
        // so its keys identify nothing once every eventually consistent listing has caught up;
        // `maxAge` is far beyond that. A VM carrying an old key after that is reported as a
        // rogue and left alone, which is the safe reading.
        let gone = try pool.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM clusters WHERE lifecycle = 'deleted' AND updated_at < ?
                    AND EXISTS (SELECT 1 FROM known_keys k WHERE k.cluster = clusters.name)
                    """,
                arguments: [cutoff])
        }
        for cluster in gone {
            try write { db in
                // Re-checked inside the transaction: a spec file that came back makes it active again.
                try db.execute(
                    sql: """
                        DELETE FROM known_keys WHERE cluster = ?
                        AND EXISTS (SELECT 1 FROM clusters WHERE name = ? AND lifecycle = 'deleted' AND updated_at < ?)
                        """,
                    arguments: [cluster, cluster, cutoff])
                report.keysForgotten += db.changesCount
                batches += 1
            }
        }
        report.batches = batches
        return report
    }

    /// Repeats `select` + `delete` in bounded write transactions until a batch finds nothing
    /// (or deletes nothing, so a row another process holds on to cannot loop it forever).
    /// Returns the number of transactions that deleted something.
    private func drain(select: (Database) throws -> [Int64], delete: (Database, [Int64]) throws -> Int) throws -> Int {
        var batches = 0
        while true {
            let deleted = try write { db -> Int in
                let ids = try select(db)
                return ids.isEmpty ? 0 : try delete(db, ids)
            }
            guard deleted > 0 else { return batches }
            batches += 1
        }
    }

    private func deleteActions(_ db: Database, _ ids: [Int64], report: inout PruneReport) throws -> Int {
        let list = ids.map(String.init).joined(separator: ",")
        // Never-started creates reached no provider: nothing can carry their key.
        try db.execute(sql: """
            INSERT OR IGNORE INTO known_keys (cluster, kind, key, created_at)
            SELECT cluster, kind, idempotency_key, created_at FROM actions
            WHERE id IN (\(list)) AND kind IN ('create-vm', 'create-disk') AND attempts > 0 AND \(Self.finished)
            """)
        report.keysKept += db.changesCount
        try db.execute(sql: "DELETE FROM actions WHERE id IN (\(list)) AND \(Self.finished)")
        report.actions += db.changesCount
        return db.changesCount
    }

    private func deleteEvents(_ db: Database, _ ids: [Int64], report: inout PruneReport) throws -> Int {
        try db.execute(sql: "DELETE FROM events WHERE id IN (\(ids.map(String.init).joined(separator: ",")))")
        report.events += db.changesCount
        return db.changesCount
    }

    /// Rows per table, for benchmarks, tests and `bosun bench reconcile`'s growth figure.
    public func rowCounts() throws -> [String: Int] {
        try pool.read { db in
            var out: [String: Int] = [:]
            for table in ["actions", "events", "known_keys", "instances", "disks"] {
                out[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
            }
            return out
        }
    }

    private static func seconds(_ d: Duration) -> TimeInterval {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
