import BosunModel
import BosunProvider
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// Opens (creating if needed) a sim state file: mode 0600, WAL, a busy timeout so several
/// processes share it, and the sim migrations applied. Anything that is not a sim state (a
/// foreign file, another SQLite database, a newer sim) is refused before a byte is written.
enum SimDatabase {
    /// Opens the sim state at `path`; with `create` false a missing file is an error
    /// (`NoSimState`) instead of a new, empty cloud.
    static func open(path: String, create: Bool = true) throws(ProviderError) -> DatabasePool {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            let what = FileManager.default.fileExists(atPath: directory) ? "is not a directory" : "does not exist"
            throw SimError.terminal(
                SimErrorCode.stateDirectoryMissing,
                "sim state directory \(directory) \(what) (create it, or choose another path with --sim-state or BOSUN_SIM_STATE)")
        }
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw SimError.terminal(
                SimErrorCode.noSimState,
                "no sim state at \(path); run `bosun apply` or `bosun run` first, or pass --sim-state (or BOSUN_SIM_STATE)")
        }
        // One process at a time creates, inspects and migrates: otherwise a file another process
        // is half-way through creating (only `grdb_migrations` so far) looks like a foreign one.
        return try DirectoryLock.withLock(directory) { () throws(ProviderError) -> DatabasePool in
            try openLocked(path: path, directory: directory)
        }
    }

    private static func openLocked(path: String, directory: String) throws(ProviderError) -> DatabasePool {
        var isDirectory: ObjCBool = false
        // WAL needs to create -wal and -shm beside the file, so a read-only directory fails
        // even when the file itself is readable: say so rather than report a SQLite code.
        guard access(directory, W_OK) == 0 else { throw readOnly(directory, errno) }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else {
                throw SimError.terminal(SimErrorCode.notASimDatabase, "\(path) is a directory, not a sim state file")
            }
            guard access(path, R_OK | W_OK) == 0 else {
                let code = errno
                throw SimError.terminal(
                    SimErrorCode.stateDirectoryReadOnly, "cannot write the sim state \(path): \(String(cString: strerror(code)))")
            }
            try inspect(path: path)
        } else {
            // Created empty with 0600 before SQLite sees it; SQLite gives -wal and -shm the same mode.
            let fd = Glibc.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            if fd >= 0 {
                close(fd)
            } else if errno != EEXIST {  // EEXIST: another process created it first, which is fine
                throw readOnly(directory, errno)
            }
        }
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.foreignKeysEnabled = true
        config.label = "bosun-sim"
        config.prepareDatabase { db in
            // A simulator needs no fsync per commit; WAL keeps the file consistent after a crash.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            try migrate(pool)
            return pool
        } catch let error as DatabaseError where [.SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM].contains(error.resultCode) {
            throw readOnly(directory, EACCES)
        } catch {
            throw SimError.wrap(error)
        }
    }

    /// Two processes opening a fresh file at once both see it unmigrated; the loser's
    /// migration fails inside its own transaction and succeeds on a second look.
    private static func migrate(_ pool: DatabasePool) throws {
        let migrator = SimSchema.migrator()
        for attempt in 1... {
            do {
                try migrator.migrate(pool)
                return
            } catch is DatabaseError where attempt < 3 {
                continue
            }
        }
    }

    /// Checkpoints the WAL and closes, leaving no `-wal`/`-shm` files beside the state (a
    /// `DatabasePool` alone cannot: it closes its writer before its readers, so the last
    /// connection to close is read-only; one plain connection opened and closed after it can).
    static func checkpointAndClose(_ pool: DatabasePool, path: String) throws {
        // PASSIVE: never waits for another process; when this is the last connection, closing
        // the plain one below checkpoints the rest and deletes the WAL.
        _ = try? pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        try pool.close()
        guard FileManager.default.fileExists(atPath: path) else { return }
        // Under the directory's lock: two processes closing their last connections at the same
        // moment would each see the other's and both leave the WAL behind.
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try DirectoryLock.withLock(directory) { () throws -> Void in
            var config = Configuration()
            config.busyMode = .timeout(10)
            try DatabaseQueue(path: path, configuration: config).close()
        }
    }

    private static func readOnly(_ directory: String, _ code: Int32) -> ProviderError {
        SimError.terminal(
            SimErrorCode.stateDirectoryReadOnly,
            "cannot write the sim state in \(directory): \(String(cString: strerror(code)))")
    }

    /// Checks an existing file read-only: SQLite, the sim's own schema, and not from the future.
    private static func inspect(path: String) throws(ProviderError) {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        let verdict: ProviderError?
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            verdict = try queue.read { db in try check(db, path: path) }
            try queue.close()
        } catch let error as DatabaseError where [.SQLITE_NOTADB, .SQLITE_CORRUPT].contains(error.resultCode) {
            throw SimError.terminal(
                SimErrorCode.notASimDatabase,
                "\(path) is not a SQLite database (\(error.message ?? "\(error.resultCode)")); it was left unchanged")
        } catch let error as DatabaseError where [.SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY].contains(error.resultCode) {
            throw readOnly(URL(fileURLWithPath: path).deletingLastPathComponent().path, EACCES)
        } catch {
            throw SimError.wrap(error)
        }
        if let verdict { throw verdict }
    }

    private static func check(_ db: Database, path: String) throws -> ProviderError? {
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        if tables.isEmpty { return nil }
        let applied = tables.contains("grdb_migrations")
            ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") : []
        // Only an empty migrations table: a creation that stopped before its first migration
        // committed (the process died); the migrations simply run again.
        if tables == ["grdb_migrations"] && applied.isEmpty { return nil }
        let known = Set(SimSchema.migrations.map(\.identifier))
        guard !applied.isEmpty, applied.allSatisfy({ $0.hasPrefix(SimSchema.prefix) }) else {
            let shown = tables.sorted().prefix(5).joined(separator: ", ")
            return SimError.terminal(
                SimErrorCode.notASimDatabase,
                "\(path) is a SQLite database but not a sim state (tables: \(shown)); it was left unchanged")
        }
        let unknown = applied.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            return SimError.terminal(
                SimErrorCode.newerSimDatabase,
                "\(path) was written by a newer Bosun (unknown sim migrations: \(unknown.sorted().joined(separator: ", ")))")
        }
        return nil
    }
}
