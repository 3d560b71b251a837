@testable import BosunStore
import Foundation
import GRDB
import Testing

/// v0016 rewrites "one of these values" from IN to OR in the CHECK constraints and the partial
/// index the executor's writes evaluate. The rules must mean what they meant: every listed
/// value still goes in, anything else is still refused (from any SQL client), a database made
/// before the migration keeps its rows and stays consistent, and retention still finds old
/// actions through the index.
@Suite struct OneOfChecksTests {
    /// (table, column, allowed values, a row id to update) for every rewritten CHECK.
    static let checks: [(table: String, column: String, allowed: [String], key: String)] = [
        ("actions", "state", ["pending", "running", "succeeded", "failed", "cancelled"], "id = 1"),
        ("instances", "state", ["missing", "creating", "running", "stopped", "updating", "deleting", "deleted", "disk-lost", "failed"],
         "id = 'c1/w/0'"),
        ("instances", "health", ["unknown", "healthy", "unhealthy"], "id = 'c1/w/0'"),
        ("disks", "state", ["attached", "detached", "lost", "deleted"], "id = 'd1'"),
        ("clusters", "phase", ["pending", "reconciling", "converged", "failed", "meltdown", "unknown"], "name = 'c1'"),
        ("clusters", "provider", ["sim", "aws", "local"], "name = 'c1'"),
        ("finding_rows", "state", ["open", "healing", "suppressed"], "id = 1"),
    ]

    /// One row in each table, written with the `sqlite3` shell.
    private func database() throws -> String {
        let path = try StoreFixtures.tempDirectory() + "/s.db"
        try Store(path: path).close()
        try sqlite(path, """
            INSERT INTO clusters (name, provider, spec_json, spec_hash, generation, source_path, deletion, accepted_at, updated_at)
                VALUES ('c1', 'sim', '{}', '\(String(repeating: "a", count: 64))', 1, '/s/c1.yaml', 'protect', 'now', 'now');
            INSERT INTO instances (id, cluster, group_name, idx, az, state, created_at, updated_at)
                VALUES ('c1/w/0', 'c1', 'w', 0, 'z1', 'creating', 'now', 'now');
            INSERT INTO disks (id, cluster, instance_id, size_mib, state, created_at, updated_at)
                VALUES ('d1', 'c1', 'c1/w/0', 1024, 'detached', 'now', 'now');
            INSERT INTO actions (cluster, plan_id, kind, idempotency_key, created_at, owner) VALUES ('c1', 'p', 'create-vm', 'p/0', 'now', 'me');
            INSERT INTO finding_rows (cluster, kind, resource, detail, first_seen, last_seen, state)
                VALUES ('c1', 'vm-missing', 'c1/w/0', 'gone', 'now', 'now', 'open');
            """)
        return path
    }

    @Test(arguments: checks.indices) func everyListedValueGoesInAndNothingElse(check: Int) throws {
        let (table, column, allowed, key) = Self.checks[check]
        let path = try database()
        for value in allowed {
            try sqlite(path, "UPDATE \(table) SET \(column) = '\(value)' WHERE \(key)")
            #expect(try sqlite(path, "SELECT \(column) FROM \(table) WHERE \(key)") == value)
        }
        for refused in ["bogus", "", "RUNNING", allowed[0] + " "] {
            #expect(throws: SQLiteShellError.self, "\(table).\(column) = '\(refused)'") {
                try sqlite(path, "UPDATE \(table) SET \(column) = '\(refused)' WHERE \(key)")
            }
        }
        #expect(throws: SQLiteShellError.self) { try sqlite(path, "UPDATE \(table) SET \(column) = NULL WHERE \(key)") }
    }

    @Test func noLongValueListIsLeftInTheTablesTheExecutorWrites() throws {
        let path = try database()
        let schema = try sqlite(path, """
            SELECT sql FROM sqlite_schema
            WHERE name IN ('actions', 'instances', 'disks', 'clusters', 'finding_rows', 'actions_finished')
            """)
        // Three or more constants in one IN list: what makes SQLite build a temporary b-tree.
        let long = try Regex(#"IN \(\s*('[^']*'\s*,\s*){2,}'[^']*'\s*\)"#)
        #expect(schema.firstMatch(of: long) == nil, "\(schema)")
        #expect(try sqlite(path, "PRAGMA integrity_check") == "ok")
    }

    @Test func aDatabaseFromBeforeTheRewriteKeepsItsRowsAndItsIndexServesRetention() throws {
        let path = try StoreFixtures.tempDirectory() + "/old.db"
        let queue = try DatabaseQueue(path: path)
        try StateDatabase.migrator().migrate(queue, upTo: "v0015_local_provider")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO clusters (name, provider, spec_json, spec_hash, generation, source_path, deletion, accepted_at, updated_at)
                    VALUES ('c1', 'local', '{}', '\(String(repeating: "a", count: 64))', 1, '/s/c1.yaml', 'protect', 'now', 'now')
                """)
            for (n, state) in ["pending", "running", "succeeded", "failed", "cancelled"].enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO actions (cluster, plan_id, kind, idempotency_key, state, owner, created_at, finished_at)
                        VALUES ('c1', 'p', 'start-jobs', ?, ?, 'me', 'now', ?)
                        """,
                    arguments: ["p/\(n)", state, ["succeeded", "failed", "cancelled"].contains(state) ? "2026-01-0\(n)" : nil])
            }
        }
        try queue.close()
        let store = try Store(path: path)
        #expect(try store.appliedMigrations().last == "v0016_one_of")
        try store.close()
        #expect(try sqlite(path, "PRAGMA integrity_check") == "ok")
        #expect(try sqlite(path, "SELECT group_concat(state, ',') FROM (SELECT state FROM actions ORDER BY id)")
            == "pending,running,succeeded,failed,cancelled")
        #expect(try sqlite(path, "SELECT provider FROM clusters") == "local")
        let finished = "(state = 'succeeded' OR state = 'failed' OR state = 'cancelled')"
        #expect(try sqlite(path, "SELECT count(*) FROM actions INDEXED BY actions_finished WHERE \(finished) AND finished_at < '9'") == "3")
        #expect(try sqlite(path, "EXPLAIN QUERY PLAN SELECT id FROM actions WHERE \(finished) AND finished_at < ?")
            .contains("USING INDEX actions_finished"))
    }
}
