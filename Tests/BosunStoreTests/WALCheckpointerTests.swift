@testable import BosunStore
import Foundation
import GRDB
import Testing

/// The state database's WAL is copied back by a connection of its own, not by the writer after
/// a commit: it still stays bounded, nothing written is lost, and a reader that keeps the WAL
/// from restarting does not turn every commit into another checkpoint. Real files.
@Suite struct WALCheckpointerTests {
    private func world() throws -> (dir: String, store: Store) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-wal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = try Store(path: dir + "/s.db")
        try store.pool.write { db in try db.execute(sql: "CREATE TABLE filler (n INTEGER PRIMARY KEY, data BLOB)") }
        return (dir, store)
    }

    /// `count` commits of one 3 KB row each (about two WAL frames each).
    private func fill(_ store: Store, from start: Int, count: Int) throws {
        let blob = Data(repeating: 0x5A, count: 3_000)
        for n in start..<(start + count) {
            try store.pool.write { db in try db.execute(sql: "INSERT INTO filler VALUES (?, ?)", arguments: [n, blob]) }
        }
    }

    private func walBytes(_ dir: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: dir + "/s.db-wal"))?[.size] as? Int) ?? 0
    }

    private func waitFor(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while !condition() {
            if ContinuousClock.now > deadline { Issue.record("timed out waiting for \(what)"); return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func theWALStaysBoundedWithCheckpointsOffTheWriter() async throws {
        let (dir, store) = try world()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try fill(store, from: 0, count: 6_000)  // ~12,000 frames: ~47 MB of WAL if never copied back
        try await waitFor("a checkpoint") { store.checkpointer.checkpoints.background > 0 }
        #expect(walBytes(dir) < 24 << 20, "WAL \(walBytes(dir)) bytes")
        let (background, writer) = store.checkpointer.checkpoints
        #expect(background > writer, "most checkpoints ran off the writer: \(background) against \(writer)")
        #expect(try await store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM filler") } == 6_000)
        #expect(try await store.pool.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        try store.close()
        #expect(!FileManager.default.fileExists(atPath: dir + "/s.db-wal"), "closing still leaves no WAL")
        let reopened = try Store(path: dir + "/s.db")
        #expect(try await reopened.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM filler") } == 6_000)
        try reopened.close()
    }

    @Test func aLongReadDoesNotMakeEveryCommitACheckpoint() async throws {
        let (dir, store) = try world()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try fill(store, from: 0, count: 100)
        // A reader in the middle of a transaction: the WAL cannot start over while it reads.
        var config = Configuration()
        config.allowsUnsafeTransactions = true
        let reader = try DatabaseQueue(path: dir + "/s.db", configuration: config)
        try reader.inDatabase { db in
            try db.execute(sql: "BEGIN DEFERRED")
            _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM filler")
        }
        let commits = 3_000
        try fill(store, from: 100, count: commits)
        try await waitFor("a checkpoint") { store.checkpointer.checkpoints.background > 0 }
        // About one per 1,000 new frames (~6 for ~6,000 frames), nowhere near one per commit.
        let (background, writer) = store.checkpointer.checkpoints
        #expect(background + writer <= 12, "\(background) + \(writer) checkpoints for \(commits) commits")
        try reader.inDatabase { db in try db.execute(sql: "COMMIT") }
        try reader.close()
        try fill(store, from: 100 + commits, count: 1_000)
        #expect(try await store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM filler") } == 4_100)
        try store.close()
    }
}
