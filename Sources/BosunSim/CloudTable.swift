import Foundation
import GRDB

/// The one-row `cloud` table and the `faults` table: what every call reads first.
enum CloudTable {
    /// The cloud row as a call sees it.
    struct Row: Sendable {
        var revision: Int64
        var seed: UInt64?
        var bootTime: Double
        var jobStartTime: Double
        var maxVMs: Int?
        var maxDiskGiB: Int?
        var vmCount: Int
        var diskMiB: Int
    }

    static func load(_ db: Database) throws -> Row {
        let sql = """
            SELECT revision, seed, boot_ms, job_start_ms, max_vms, max_disk_gib, vm_count, disk_mib FROM cloud WHERE id = 1
            """
        guard let row = try GRDB.Row.fetchOne(db.cachedStatement(sql: sql)) else {
            throw SimError.terminal(SimErrorCode.notASimDatabase, "sim state has no cloud row")
        }
        return Row(
            revision: row[0], seed: (row[1] as Int64?).map { UInt64(bitPattern: $0) }, bootTime: row[2] / 1000.0,
            jobStartTime: row[3] / 1000.0, maxVMs: row[4], maxDiskGiB: row[5], vmCount: row[6], diskMiB: row[7])
    }

    /// The faults for `operation`: its own row if it has one, else the `*` row.
    static func faults(_ db: Database, for operation: SimOperation) throws -> SimFaults {
        let sql = """
            SELECT error_rate, terminal_rate, timeout_rate, latency_ms, jitter_ms, hang_ms FROM faults
            WHERE operation IN (?, '*') ORDER BY operation = '*' LIMIT 1
            """
        guard let row = try GRDB.Row.fetchOne(db.cachedStatement(sql: sql), arguments: [operation.rawValue]) else {
            return .none
        }
        return decode(row)
    }

    static func settings(_ db: Database) throws -> SimSettings {
        let cloud = try load(db)
        var settings = SimSettings(
            seed: cloud.seed, bootTime: .seconds(cloud.bootTime), jobStartTime: .seconds(cloud.jobStartTime),
            maxVMs: cloud.maxVMs, maxDiskGiB: cloud.maxDiskGiB)
        let rows = try GRDB.Row.fetchAll(
            db, sql: "SELECT error_rate, terminal_rate, timeout_rate, latency_ms, jitter_ms, hang_ms, operation FROM faults")
        for row in rows {
            let name: String = row[6]
            if name == "*" {
                settings.faults = decode(row)
            } else if let operation = SimOperation(rawValue: name) {
                settings.overrides[operation] = decode(row)
            }
        }
        return settings
    }

    /// Replaces the stored settings and bumps the revision, which reseeds every process's dice.
    static func store(_ db: Database, _ settings: SimSettings) throws {
        try db.execute(
            sql: """
                UPDATE cloud SET seed = ?, boot_ms = ?, job_start_ms = ?, max_vms = ?, max_disk_gib = ?,
                    revision = revision + 1 WHERE id = 1
                """,
            arguments: [
                settings.seed.map { Int64(bitPattern: $0) }, milliseconds(settings.bootTime),
                milliseconds(settings.jobStartTime), settings.maxVMs, settings.maxDiskGiB,
            ])
        try db.execute(sql: "DELETE FROM faults")
        let all = [("*", settings.faults)] + settings.overrides.map { ($0.key.rawValue, $0.value) }
        for (operation, faults) in all {
            try db.execute(
                sql: """
                    INSERT INTO faults (operation, error_rate, terminal_rate, timeout_rate, latency_ms, jitter_ms, hang_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    operation, faults.errorRate, faults.terminalRate, faults.timeoutRate, milliseconds(faults.latency),
                    milliseconds(faults.jitter), milliseconds(faults.timeoutHang),
                ])
        }
    }

    private static func decode(_ row: GRDB.Row) -> SimFaults {
        SimFaults(
            errorRate: row[0], terminalRate: row[1], timeoutRate: row[2], latency: .milliseconds(row[3] as Double),
            jitter: .milliseconds(row[4] as Double), timeoutHang: .milliseconds(row[5] as Double))
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
