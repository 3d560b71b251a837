import BosunMigrations
import BosunStore
import Foundation
import Testing

@Suite struct StateDatabaseTests {
    static var migrationsFolder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("migrations").path
    }

    @Test func embeddedMigrationsEqualTheFolder() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.migrationsFolder)
            .filter { $0.hasSuffix(".sql") }.map { String($0.dropLast(4)) }.sorted()
        #expect(EmbeddedMigrations.all.map(\.identifier) == files)
        for (identifier, sql) in EmbeddedMigrations.all {
            let onDisk = try String(contentsOfFile: Self.migrationsFolder + "/\(identifier).sql", encoding: .utf8)
            #expect(sql == onDisk, "\(identifier) embedded text differs from the file")
        }
        #expect(files.allSatisfy { $0.first!.isLetter }, "names must start with a letter (SwiftPM mangles digits)")
    }

    @Test func newDatabaseIsPrivateWALAndMigrated() throws {
        let dir = try StoreFixtures.tempDirectory()
        let path = dir + "/state.db"
        let store = try Store(path: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try store.appliedMigrations() == EmbeddedMigrations.all.map(\.identifier))
        #expect(try sqlite(path, "PRAGMA journal_mode") == "wal")
        for view in ["cluster_status", "instance_status", "spec_errors", "recent_actions", "events"] {
            #expect(try sqlite(path, "SELECT count(*) FROM \(view)") == "0", "\(view)")
        }
        try store.close()
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "a clean close leaves no WAL")
    }

    @Test func reopeningIsANoOp() throws {
        let dir = try StoreFixtures.tempDirectory()
        try Store(path: dir + "/s.db").close()
        let again = try Store(path: dir + "/s.db")
        #expect(try again.appliedMigrations().count == EmbeddedMigrations.all.count)
    }

    @Test func newerDatabaseIsRefusedAndUnchanged() throws {
        let dir = try StoreFixtures.tempDirectory()
        let path = dir + "/s.db"
        try Store(path: path).close()
        _ = try sqlite(path, "INSERT INTO grdb_migrations VALUES ('v9999_future')")
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: StoreError.newerSchema(path: path, unknown: ["v9999_future"])) { try Store(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(StoreError.newerSchema(path: path, unknown: ["v9999_future"]).description.contains("upgrade bosun"))
    }

    @Test func nonDatabaseFileIsRefusedAndUnchanged() throws {
        let dir = try StoreFixtures.tempDirectory()
        let path = dir + "/s.db"
        let junk = Data("this is not sqlite, just text that is long enough to have a header".utf8)
        try junk.write(to: URL(fileURLWithPath: path))
        do {
            _ = try Store(path: path)
            Issue.record("opened a text file as a database")
        } catch let error as StoreError {
            guard case .notADatabase = error else { Issue.record("wrong error \(error)"); return }
            #expect(error.description.contains("is not a SQLite database"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == junk)
    }

    @Test func foreignDatabaseIsRefused() throws {
        let dir = try StoreFixtures.tempDirectory()
        let path = dir + "/other.db"
        _ = try sqlite(path, "CREATE TABLE photos (id INTEGER)")
        #expect(throws: StoreError.foreignDatabase(path: path)) { try Store(path: path) }
        #expect(try sqlite(path, "SELECT group_concat(name) FROM sqlite_master") == "photos")
    }

    @Test func missingDirectoryIsAClearError() throws {
        let dir = try StoreFixtures.tempDirectory() + "/nope"
        #expect(throws: StoreError.missingDirectory(dir)) { try Store(path: dir + "/s.db") }
    }

    @Test func schemaRejectsInvalidRowsEvenFromSQL() throws {
        let dir = try StoreFixtures.tempDirectory()
        let path = dir + "/s.db"
        try Store(path: path).close()
        let insert = """
            INSERT INTO clusters (name, provider, spec_json, spec_hash, generation, source_path, deletion, accepted_at, updated_at)
            VALUES ('%@', 'sim', '{}', '\(String(repeating: "a", count: 64))', 1, 'x', 'protect', 'now', 'now')
            """
        #expect(throws: (any Error).self) { try sqlite(path, insert.replacingOccurrences(of: "%@", with: "Bad Name")) }
        #expect(throws: (any Error).self) { try sqlite(path, insert.replacingOccurrences(of: "%@", with: "x-")) }
        _ = try sqlite(path, insert.replacingOccurrences(of: "%@", with: "ok-1"))
        #expect(try sqlite(path, "SELECT name FROM clusters") == "ok-1")
    }
}

/// Runs the real `sqlite3` shell, as an operator would.
@discardableResult
func sqlite(_ path: String, _ sql: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = ["-cmd", ".timeout 5000", path, sql]
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    if process.terminationStatus != 0 {
        throw SQLiteShellError(message: String(decoding: errData, as: UTF8.self))
    }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

struct SQLiteShellError: Error { let message: String }
