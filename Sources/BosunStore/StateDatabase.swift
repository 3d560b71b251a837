import BosunMigrations
import BosunModel
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// Opens (creating if needed) the state database: mode 0600, WAL, foreign keys, a busy
/// timeout, and the embedded migrations applied. A database from a newer Bosun, a foreign
/// SQLite file or a non-database file is refused before anything is written to it; a missing
/// directory, a read-only file or file system is named as such, with its path.
enum StateDatabase {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for (identifier, sql) in EmbeddedMigrations.all {
            migrator.registerMigration(identifier) { db in try db.execute(sql: sql) }
        }
        return migrator
    }

    /// Opens the database at `path`; with `create` false a missing file is an error
    /// (`StoreError.noDatabase`) instead of a new, empty database.
    static func open(path: String, create: Bool = true) throws -> DatabasePool {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir) else {
            throw StoreError.missingDirectory(directory)
        }
        guard isDir.boolValue else { throw StoreError.notADirectory(directory) }
        // One process at a time creates, inspects and migrates: a file another process is still
        // migrating is never mistaken for a foreign database.
        return try DirectoryLock.withLock(directory) { () throws -> DatabasePool in
            try openLocked(path: path, directory: directory, create: create)
        }
    }

    /// Opens and closes one read-write connection alone, after the pool has closed: SQLite
    /// removes the WAL and shared-memory files when the last connection to the file closes
    /// (the pool closes its writer before its read-only readers, so none of its own can).
    ///
    /// Holding the directory's lock keeps two processes from doing so at the same moment: each
    /// would then see the other's connection, take itself for not the last, and leave the WAL
    /// behind for good. A process still working on the file closes after this and cleans up.
    static func closeLast(path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try DirectoryLock.withLock(directory) { () throws -> Void in
            var config = Configuration()
            // A closing connection holds the file exclusively while it checkpoints.
            config.busyMode = .timeout(10)
            try DatabaseQueue(path: path, configuration: config).close()
        }
    }

    private static func openLocked(path: String, directory: String, create: Bool) throws -> DatabasePool {
        let migrator = migrator()
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            if isDir.boolValue { throw StoreError.notADatabase(path: path, detail: "it is a directory") }
            // SQLite would report these as "unable to open" or even "not a database": say what they are.
            if access(path, R_OK | W_OK) != 0 { throw StoreError.readOnly(path: path, reason: reason(errno)) }
            if access(directory, W_OK) != 0 { throw StoreError.readOnly(path: directory, reason: reason(errno)) }
            try inspect(path: path, migrator: migrator)
        } else {
            guard create else { throw StoreError.noDatabase(path) }
            if access(directory, W_OK) != 0 { throw StoreError.readOnly(path: directory, reason: reason(errno)) }
            // Created empty with 0600 before SQLite sees it; SQLite gives -wal and -shm the same mode.
            let fd = Glibc.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            if fd >= 0 {
                close(fd)
            } else if errno != EEXIST {
                throw StoreError.readOnly(path: directory, reason: reason(errno))
            }
        }
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.foreignKeysEnabled = true
        config.label = "bosun"
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try migrate(pool, with: migrator)
        } catch let error as DatabaseError {
            throw classify(error, path: path)
        }
        return pool
    }

    /// A SQLite failure while opening, named by what it means for this path.
    private static func classify(_ error: DatabaseError, path: String) -> StoreError {
        let detail = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: return .notADatabase(path: path, detail: detail)
        case .SQLITE_READONLY, .SQLITE_PERM: return .readOnly(path: path, reason: detail)
        case .SQLITE_CANTOPEN: return .cannotOpen(path: path, detail: detail)
        default: return .writeFailed("\(path): \(detail)")
        }
    }

    /// Words for why a path cannot be written.
    static func reason(_ code: Int32) -> String {
        switch code {
        case EROFS: "read-only file system"
        case EACCES, EPERM: "permission denied"
        default: String(cString: strerror(code))
        }
    }

    /// Applies pending migrations. Two processes opening a new database at once both try; the
    /// loser's attempt fails on what the winner already did, so it looks again (bounded).
    private static func migrate(_ pool: DatabasePool, with migrator: DatabaseMigrator) throws {
        var attempt = 0
        while true {
            attempt += 1
            do {
                try migrator.migrate(pool)
                return
            } catch {
                if try pool.read({ try migrator.hasCompletedMigrations($0) }) { return }
                if attempt >= 5 { throw error }
            }
        }
    }

    /// Checks an existing file read-only: a SQLite database, Bosun's, and not from the future.
    private static func inspect(path: String, migrator: DatabaseMigrator) throws {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            try queue.read { db in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                if tables.isEmpty { return }
                guard tables.contains("grdb_migrations") else { throw StoreError.foreignDatabase(path: path) }
                let known = Set(EmbeddedMigrations.all.map(\.identifier))
                let applied = try migrator.appliedIdentifiers(db)
                let unknown = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                    .filter { !known.contains($0) }
                if !unknown.isEmpty || applied.count > known.count {
                    throw StoreError.newerSchema(path: path, unknown: unknown.sorted())
                }
            }
            try queue.close()
        } catch let error as DatabaseError {
            throw classify(error, path: path)
        }
    }
}
