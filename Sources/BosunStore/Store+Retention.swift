import Foundation
import GRDB

extension Store {
    /// The journal states pruning may delete. Pending and running rows are never touched: they
    /// are what journal recovery resolves after a crash.
    /// The partial index `actions_finished`'s WHERE, word for word: SQLite uses a partial index
    /// only for a query whose WHERE contains the index's own (v0016).
    private static let finished = "(state = 'succeeded' OR state = 'failed' OR state = 'cancelled')"

    /// Deletes history beyond `policy`: finished actions, events and resolved findings older than
    /// `maxAge` or beyond the per-cluster caps, then the known keys of clusters deleted longer
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

        // Finished actions: old ones through the partial index on finished_at, then the oldest
        // beyond the newest `actionsPerCluster` of each cluster.
        let deleteActions = { (db: Database, ids: [Int64]) in try self.deleteActions(db, ids, report: &report) }
        batches += try pruneOld("actions", where: Self.finished, time: "finished_at", before: cutoff, batch: batch, delete: deleteActions)
        batches += try cap("actions", where: Self.finished, keep: policy.actionsPerCluster, batch: batch, delete: deleteActions)

        // Events, through events_by_at; events of no cluster are capped as one group (NULL).
        let deleteEvents = { (db: Database, ids: [Int64]) in try self.delete("events", db, ids, count: &report.events) }
        batches += try pruneOld("events", where: "1", time: "at", before: cutoff, batch: batch, delete: deleteEvents)
        batches += try cap("events", where: "1", keep: policy.eventsPerCluster, batch: batch, delete: deleteEvents)

        // Resolved findings are history like events (finding_rows_resolved); current ones are
        // what observation sees now and are never pruned.
        let resolved = "state = 'resolved'"
        let deleteFindings = { (db: Database, ids: [Int64]) in try self.delete("finding_rows", db, ids, count: &report.findings) }
        batches += try pruneOld("finding_rows", where: resolved, time: "resolved_at", before: cutoff, batch: batch, delete: deleteFindings)
        batches += try cap("finding_rows", where: resolved, keep: policy.eventsPerCluster, batch: batch, delete: deleteFindings)

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

    /// Deletes rows of `table` matching `filter` whose `time` is before `cutoff`, oldest first,
    /// through the index on `time`. Returns the batches used.
    private func pruneOld(
        _ table: String, where filter: String, time: String, before cutoff: StoredTime, batch: Int,
        delete: (Database, [Int64]) throws -> Int
    ) throws -> Int {
        try drain { db in
            try Int64.fetchAll(
                db, sql: "SELECT id FROM \(table) WHERE \(filter) AND \(time) < ? ORDER BY \(time) LIMIT ?", arguments: [cutoff, batch])
        } delete: { db, ids in try delete(db, ids) }
    }

    /// Keeps the newest `keep` rows of `table` matching `filter` per cluster (NULL counts as one
    /// cluster) and deletes the older ones. The count that finds clusters over the cap is a
    /// read; each cluster's deletes go through its (cluster, …) index in batches.
    private func cap(
        _ table: String, where filter: String, keep: Int, batch: Int, delete: (Database, [Int64]) throws -> Int
    ) throws -> Int {
        let over = try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT cluster FROM \(table) WHERE \(filter) GROUP BY cluster HAVING count(*) > ?", arguments: [keep]
            ).map { $0["cluster"] as String? }
        }
        var batches = 0
        for cluster in over {
            guard let bound = try pool.read({ db in
                try Int64.fetchOne(
                    db, sql: "SELECT id FROM \(table) WHERE cluster IS ? AND \(filter) ORDER BY id DESC LIMIT 1 OFFSET ?",
                    arguments: [cluster, keep])
            }) else { continue }
            batches += try drain { db in
                try Int64.fetchAll(
                    db, sql: "SELECT id FROM \(table) WHERE cluster IS ? AND \(filter) AND id <= ? ORDER BY id LIMIT ?",
                    arguments: [cluster, bound, batch])
            } delete: { db, ids in try delete(db, ids) }
        }
        return batches
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

    private func delete(_ table: String, _ db: Database, _ ids: [Int64], count: inout Int) throws -> Int {
        try db.execute(sql: "DELETE FROM \(table) WHERE id IN (\(ids.map(String.init).joined(separator: ",")))")
        count += db.changesCount
        return db.changesCount
    }

    /// Rows per table, for benchmarks, tests and `bosun bench reconcile`'s growth figure.
    public func rowCounts() throws -> [String: Int] {
        try pool.read { db in
            var out: [String: Int] = [:]
            for table in ["actions", "events", "finding_rows", "known_keys", "instances", "disks"] {
                out[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
            }
            return out
        }
    }

    private static func seconds(_ d: Duration) -> TimeInterval {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
