import BosunProvider
import Foundation
import GRDB

/// The `jobs` table: one row per process an agent runs. A `running` row reports `starting`
/// until its start-up time has passed; then `running`, or `failed` if the process is doomed
/// (an operator's `fail-job --times N` or `--always` still had failures left when it started).
enum JobTable {
    /// Starts `jobs` on a VM; with `restart`, running ones get a new process (and a new start-up
    /// time) too, and failed ones are cleared either way. A job with failures left uses one up:
    /// its new process is doomed, so a controller waiting for health sees `starting`, then
    /// `failed`, exactly as after a real crash loop.
    static func start(_ db: Database, vm: Int64, jobs: [String], now: Double, readyAt: Double, restart: Bool) throws {
        let upsert = """
            INSERT INTO jobs (vm_id, name, state, ready_at) VALUES (?, ?, 'running', ?)
            ON CONFLICT (vm_id, name) DO UPDATE SET state = 'running', ready_at = excluded.ready_at,
                doomed = fails_left <> 0, fails_left = CASE WHEN fails_left > 0 THEN fails_left - 1 ELSE fails_left END
            """
        // Without `restart` a process that is up keeps running; a doomed one past its start-up
        // time has failed (it is only stored as `running`), so it starts again.
        let sql = restart ? upsert : upsert + "\nWHERE jobs.state <> 'running' OR (jobs.doomed = 1 AND jobs.ready_at <= ?)"
        let statement = try db.cachedStatement(sql: sql)
        for job in jobs {
            try statement.execute(arguments: restart ? [vm, job, readyAt] : [vm, job, readyAt, now])
        }
    }

    static func stopAll(_ db: Database, vm: Int64) throws {
        try db.cachedStatement(sql: "UPDATE jobs SET state = 'stopped', doomed = 0 WHERE vm_id = ?").execute(arguments: [vm])
    }

    /// Marks one job failed, with `failsLeft` more starts to fail (-1: every start); false if the
    /// VM has no such job. Replaces whatever failures were left before.
    static func fail(_ db: Database, vm: Int64, job: String, failsLeft: Int) throws -> Bool {
        try db.cachedStatement(sql: "UPDATE jobs SET state = 'failed', doomed = 0, fails_left = ? WHERE vm_id = ? AND name = ?")
            .execute(arguments: [failsLeft, vm, job])
        return db.changesCount > 0
    }

    /// Ends a job's sticky failure: no start fails any more, and a doomed process still starting
    /// comes up `running`. One that has already failed stays failed until started again. False
    /// if the VM has no such job.
    static func clearFailures(_ db: Database, vm: Int64, job: String, now: Double) throws -> Bool {
        try db.cachedStatement(
            sql: """
                UPDATE jobs SET state = CASE WHEN doomed = 1 AND state = 'running' AND ready_at <= ? THEN 'failed' ELSE state END,
                    doomed = 0, fails_left = 0
                WHERE vm_id = ? AND name = ?
                """
        ).execute(arguments: [now, vm, job])
        return db.changesCount > 0
    }

    /// Jobs with failures still to come, by VM row: how many more starts fail (-1: every one).
    static func failuresLeft(_ db: Database, cluster: String?) throws -> [Int64: [String: Int]] {
        let filter = cluster == nil ? "" : "AND v.cluster = ?"
        let rows = try GRDB.Row.fetchAll(
            db, sql: "SELECT j.vm_id, j.name, j.fails_left FROM jobs j JOIN vms v ON v.id = j.vm_id WHERE j.fails_left <> 0 \(filter)",
            arguments: StatementArguments(cluster.map { [$0] } ?? []))
        var result: [Int64: [String: Int]] = [:]
        for row in rows { result[row[0], default: [:]][row[1]] = row[2] }
        return result
    }

    /// What each VM's agent reports. A VM still booting has no agent yet and is left out; a
    /// running VM's agent heartbeats now, unless an operator silenced it (then its last
    /// heartbeat stays at that moment); a stopped VM's last heartbeat is when it stopped.
    static func health(_ db: Database, cluster: String?, now: Double) throws -> [Int64: NodeHealth] {
        try health(db, filter: cluster == nil ? "" : "WHERE v.cluster = ?", arguments: StatementArguments(cluster.map { [$0] } ?? []), now: now)
    }

    /// The same reports for the VMs with rowids in `rows` (one inventory page), whatever their cluster.
    static func health(_ db: Database, rows: ClosedRange<Int64>, now: Double) throws -> [Int64: NodeHealth] {
        try health(db, filter: "WHERE v.id BETWEEN ? AND ?", arguments: [rows.lowerBound, rows.upperBound], now: now)
    }

    private static func health(_ db: Database, filter: String, arguments: StatementArguments, now: Double) throws -> [Int64: NodeHealth] {
        let statement = try db.cachedStatement(
            sql: """
                SELECT v.id, v.powered, v.ready_at, v.stopped_at, v.silent_since, j.name, j.state, j.ready_at, j.doomed
                FROM vms v LEFT JOIN jobs j ON j.vm_id = v.id \(filter)
                """)
        var result: [Int64: NodeHealth] = [:]
        let rows = try GRDB.Row.fetchCursor(statement, arguments: arguments)
        while let row = try rows.next() {
            let vm: Int64 = row[0]
            let powered: Bool = row[1]
            let booted = (row[2] as Double) <= now
            guard booted || !powered else { continue }
            if result[vm] == nil {
                result[vm] = NodeHealth(
                    vmID: SimID.format(SimID.vm, vm), jobs: [:],
                    lastHeartbeat: Date(timeIntervalSince1970: heartbeat(powered: powered, stoppedAt: row[3], silentSince: row[4], now: now)))
            }
            // In place: a copy taken out and put back would copy its jobs at each of its rows.
            if let name: String = row[5] {
                result[vm]!.jobs[name] = state(stored: row[6], readyAt: row[7], doomed: row[8], now: now)
            }
        }
        return result
    }

    /// The agent's last heartbeat: the earlier of when it was silenced and when its VM stopped;
    /// now while it runs and speaks.
    private static func heartbeat(powered: Bool, stoppedAt: Double?, silentSince: Double?, now: Double) -> Double {
        let stopped = powered ? now : stoppedAt ?? now
        return min(stopped, silentSince ?? stopped)
    }

    private static func state(stored: String, readyAt: Double, doomed: Bool, now: Double) -> JobState {
        switch stored {
        case "running": now < readyAt ? .starting : doomed ? .failed : .running
        case "failed": .failed
        default: .stopped
        }
    }
}
