import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GRDB

extension Store {
    /// The gauges `/metrics` reports, read in one transaction. Throws a database error.
    public func gauges() throws -> StoreGauges {
        var out = try pool.read { db -> StoreGauges in
            var g = StoreGauges()
            func counts(_ sql: String) throws -> [String: Int] {
                var map: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: sql) { map[row[0]] = row[1] }
                return map
            }
            g.clustersByPhase = try counts("SELECT phase, count(*) FROM clusters WHERE lifecycle <> 'deleted' GROUP BY phase")
            g.clustersByLifecycle = try counts("SELECT lifecycle, count(*) FROM clusters GROUP BY lifecycle")
            g.openFindingsByKind = try counts("SELECT kind, count(*) FROM finding_rows WHERE state <> 'resolved' GROUP BY kind")
            g.earliestCertificateExpiry = try String.fetchOne(db, sql: """
                SELECT min(v.not_after) FROM credentials v JOIN clusters c ON c.name = v.cluster
                WHERE v.type = 'certificate' AND v.active AND c.lifecycle <> 'deleted'
                """).flatMap(Self.parseDatabaseTime)
            g.journalRows = try Int.fetchOne(db, sql: "SELECT count(*) FROM actions") ?? 0
            g.oldestRolloutSince = try String.fetchOne(db, sql: """
                SELECT min(accepted_at) FROM clusters WHERE lifecycle = 'active' AND coalesce(observed_generation, 0) < generation
                """).flatMap(Self.parseDatabaseTime)
            g.rejectedSpecFiles = try Int.fetchOne(db, sql: "SELECT count(*) FROM spec_errors") ?? 0
            return g
        }
        for file in [path, path + "-wal"] {
            out.databaseBytes += (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int64) ?? 0
        }
        return out
    }

    /// Writes to the database through a connection of its own, opened for this probe, so a file
    /// or file system made read-only since start-up is noticed. Throws the database's error.
    public func probeWritable() throws {
        // The permission bits and the mount first: SQLite reuses this process's open
        // descriptors, so a write alone still succeeds on a file that no new process could
        // open for writing any more.
        for file in [path, (path as NSString).deletingLastPathComponent] where access(file, W_OK) != 0 {
            throw StoreError.readOnly(path: file, reason: String(cString: strerror(errno)).lowercased())
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(2)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            try queue.write { db in
                try db.execute(
                    sql: "INSERT INTO readiness_probes (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at",
                    arguments: [now().text])
            }
        } catch let error as DatabaseError {
            // SQLite's own words ("database or disk is full"), not the SQL around them.
            throw StoreError.readOnly(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }
}
