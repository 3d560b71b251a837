import Foundation
import GRDB

extension Store {
    /// Records that a pass could not observe `cluster`: phase `unknown`, `last_error` saying
    /// what failed, and an `observation-failed` event only when the streak starts (the phase was
    /// not already `unknown`), so a provider outage of hours yields one event per cluster, not
    /// one per retry. Returns whether the event was written.
    @discardableResult
    public func recordObservationFailed(cluster: String, error: String) throws -> Bool {
        try write { db in
            let phase = try String.fetchOne(
                db.cachedStatement(sql: "SELECT phase FROM clusters WHERE name = ?"), arguments: [cluster])
            guard let phase else { return false }
            let at = now()
            try db.cachedStatement(sql: "UPDATE clusters SET phase = 'unknown', last_error = ?, last_pass_at = ?, updated_at = ? WHERE name = ?")
                .execute(arguments: [error, at, at, cluster])
            guard phase != "unknown" else { return false }
            try insertEvent(db, cluster: cluster, instance: nil, kind: "observation-failed",
                            message: "\(error); healing and rollouts wait until the provider answers")
            return true
        }
    }

    /// Records that `cluster` was observed again after a failure streak: an
    /// `observation-recovered` event and phase `reconciling` (the pass that observed goes on to
    /// set its real phase). Does nothing unless the phase is `unknown`; ordinary passes pay one
    /// read, not a write transaction. Returns whether the streak ended here.
    @discardableResult
    public func recordObservationRecovered(cluster: String) throws -> Bool {
        let phase = try pool.read { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT phase FROM clusters WHERE name = ?"), arguments: [cluster])
        }
        guard phase == "unknown" else { return false }
        return try write { db in
            try db.cachedStatement(sql: """
                UPDATE clusters SET phase = 'reconciling', last_error = NULL, updated_at = ?
                WHERE name = ? AND phase = 'unknown'
                """).execute(arguments: [now(), cluster])
            guard db.changesCount == 1 else { return false }
            try insertEvent(db, cluster: cluster, instance: nil, kind: "observation-recovered",
                            message: "the provider answers again; reconciling resumes")
            return true
        }
    }

    /// Notes that a drift sweep over `clusters` clusters just finished (one row, rewritten).
    public func recordSweep(clusters: Int) throws {
        try write { db in
            try db.cachedStatement(sql: """
                INSERT INTO drift_sweeps (id, finished_at, clusters) VALUES (1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET finished_at = excluded.finished_at, clusters = excluded.clusters
                """).execute(arguments: [now(), clusters])
        }
    }

    /// When the last drift sweep finished (nil: never, or no `bosun run` sweeps here).
    public func lastSweep() throws -> String? {
        try pool.read { db in try String.fetchOne(db.cachedStatement(sql: "SELECT finished_at FROM drift_sweeps WHERE id = 1")) }
    }
}
