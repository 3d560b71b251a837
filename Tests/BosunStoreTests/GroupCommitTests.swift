@testable import BosunStore
import Foundation
import GRDB
import Testing

/// Group commit on a real state database: concurrent writes share transactions, yet each is
/// its own savepoint (a write that throws leaves nothing and takes nothing of the others with
/// it), and every caller returns only once its write is durable.
@Suite struct GroupCommitTests {
    struct Refused: Error, Equatable { let index: Int }

    @Test func concurrentWritesCommitTogetherAndAFailingOneRollsBackAlone() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-group-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: dir + "/s.db")
        let count = 200
        let results = await withTaskGroup(of: (Int, Result<Int, any Error>).self) { group in
            for i in 0..<count {
                group.addTask {
                    do {
                        let value = try await store.groupCommit.write { db -> Int in
                            try db.execute(
                                sql: "INSERT INTO events (at, cluster, instance, kind, message) VALUES ('t', 'g', NULL, 'test', ?)",
                                arguments: ["\(i)"])
                            if i % 5 == 0 { throw Refused(index: i) }
                            return i
                        }
                        return (i, .success(value))
                    } catch {
                        return (i, .failure(error))
                    }
                }
            }
            var out: [Int: Result<Int, any Error>] = [:]
            for await (i, result) in group { out[i] = result }
            return out
        }
        for i in 0..<count {
            switch results[i] {
            case .success(let value)?: #expect(i % 5 != 0 && value == i)
            case .failure(let error)?: #expect(i % 5 == 0 && (error as? Refused) == Refused(index: i), "\(error)")
            case nil: Issue.record("no result for \(i)")
            }
        }
        // Read through a separate connection: what the callers were told is what is on disk.
        let written = try await DatabaseQueue(path: dir + "/s.db").read { db in
            try String.fetchAll(db, sql: "SELECT message FROM events WHERE kind = 'test'")
        }
        // Each once: a group with a failing write is rolled back and run again, one savepoint
        // per write, and nothing of the first run may remain.
        #expect(written.sorted() == (0..<count).filter { $0 % 5 != 0 }.map(String.init).sorted())
        #expect(store.groupCommit.committed >= 1 && store.groupCommit.committed <= count)
        try store.close()
    }

    @Test func aConstraintFailureRollsBackOnlyItsOwnWrite() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-group-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: dir + "/s.db")
        let count = 120
        let failures = await withTaskGroup(of: Int?.self) { group in
            for i in 0..<count {
                group.addTask {
                    do {
                        // Every seventh write breaks a NOT NULL constraint half way through:
                        // SQLite refuses it, after its first row was written.
                        try await store.groupCommit.write { db in
                            try db.execute(
                                sql: "INSERT INTO events (at, cluster, instance, kind, message) VALUES ('t', 'g', NULL, 'test', ?)",
                                arguments: ["\(i)"])
                            try db.execute(
                                sql: "INSERT INTO events (at, cluster, instance, kind, message) VALUES (?, 'g', NULL, 'test', ?)",
                                arguments: [i % 7 == 0 ? nil : "t", "\(i)b"])
                        }
                        return nil
                    } catch {
                        return i
                    }
                }
            }
            var out: [Int] = []
            for await failed in group { if let failed { out.append(failed) } }
            return out
        }
        #expect(failures.sorted() == (0..<count).filter { $0 % 7 == 0 })
        let written = try await DatabaseQueue(path: dir + "/s.db").read { db in
            try String.fetchAll(db, sql: "SELECT message FROM events WHERE kind = 'test'")
        }
        let kept = (0..<count).filter { $0 % 7 != 0 }
        #expect(written.sorted() == (kept.map(String.init) + kept.map { "\($0)b" }).sorted())
        try store.close()
    }
}
