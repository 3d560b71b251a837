import BosunProvider
import Foundation
import GRDB

/// The `jobs` table: one row per process an agent runs. A `running` row reports `starting`
/// until its start-up time has passed.
enum JobTable {
    /// Starts `jobs` on a VM; with `restart`, running ones get a new process (and a new start-up
    /// time) too, and failed ones are cleared either way.
    static func start(_ db: Database, vm: Int64, jobs: [String], readyAt: Double, restart: Bool) throws {
        let sql = restart
            ? """
            INSERT INTO jobs (vm_id, name, state, ready_at) VALUES (?, ?, 'running', ?)
            ON CONFLICT (vm_id, name) DO UPDATE SET state = 'running', ready_at = excluded.ready_at
            """
            : """
            INSERT INTO jobs (vm_id, name, state, ready_at) VALUES (?, ?, 'running', ?)
            ON CONFLICT (vm_id, name) DO UPDATE SET state = 'running', ready_at = excluded.ready_at
            WHERE jobs.state <> 'running'
            """
        let statement = try db.cachedStatement(sql: sql)
        for job in jobs { try statement.execute(arguments: [vm, job, readyAt]) }
    }

    static func stopAll(_ db: Database, vm: Int64) throws {
        try db.cachedStatement(sql: "UPDATE jobs SET state = 'stopped' WHERE vm_id = ?").execute(arguments: [vm])
    }

    /// Marks one job failed; false if the VM has no such job.
    static func fail(_ db: Database, vm: Int64, job: String) throws -> Bool {
        try db.cachedStatement(sql: "UPDATE jobs SET state = 'failed' WHERE vm_id = ? AND name = ?")
            .execute(arguments: [vm, job])
        return db.changesCount > 0
    }

    /// What each VM's agent reports. A VM still booting has no agent yet and is left out; a
    /// running VM's agent heartbeats now; a stopped VM's last heartbeat is when it stopped.
    static func health(_ db: Database, cluster: String?, now: Double) throws -> [Int64: NodeHealth] {
        let filter = cluster == nil ? "" : "WHERE v.cluster = ?"
        let statement = try db.cachedStatement(
            sql: """
                SELECT v.id, v.powered, v.ready_at, v.stopped_at, j.name, j.state, j.ready_at
                FROM vms v LEFT JOIN jobs j ON j.vm_id = v.id \(filter)
                """)
        var result: [Int64: NodeHealth] = [:]
        let rows = try GRDB.Row.fetchCursor(statement, arguments: cluster.map { [$0] } ?? [])
        while let row = try rows.next() {
            let vm: Int64 = row[0]
            let powered: Bool = row[1]
            let booted = (row[2] as Double) <= now
            guard booted || !powered else { continue }
            let heartbeat = powered ? now : (row[3] as Double?) ?? now
            var health = result[vm] ?? NodeHealth(
                vmID: SimID.format(SimID.vm, vm), jobs: [:], lastHeartbeat: Date(timeIntervalSince1970: heartbeat))
            if let name: String = row[4] {
                health.jobs[name] = state(stored: row[5], readyAt: row[6], now: now)
            }
            result[vm] = health
        }
        return result
    }

    private static func state(stored: String, readyAt: Double, now: Double) -> JobState {
        switch stored {
        case "running": now < readyAt ? .starting : .running
        case "failed": .failed
        default: .stopped
        }
    }
}
