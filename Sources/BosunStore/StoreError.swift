/// Why the state database could not be opened or written. Every case says what to do.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// The directory meant to hold the database does not exist.
    case missingDirectory(String)
    /// The file exists but is not a SQLite database.
    case notADatabase(path: String, detail: String)
    /// A SQLite database that Bosun did not create.
    case foreignDatabase(path: String)
    /// Written by a newer Bosun: its migrations are unknown to this binary.
    case newerSchema(path: String, unknown: [String])
    /// A constraint or I/O failure while writing; nothing of the failed transaction was kept.
    case writeFailed(String)
    /// A named thing is not in the database.
    case notFound(String)
    /// What should be the database's directory is a file.
    case notADirectory(String)
    /// No database at this path, and the command only reads (it never creates one).
    case noDatabase(String)
    /// The file, or the directory that must hold it and its `-wal`/`-shm`, cannot be written.
    case readOnly(path: String, reason: String)
    /// SQLite could not open the file for another reason.
    case cannotOpen(path: String, detail: String)

    public var description: String {
        switch self {
        case .missingDirectory(let dir):
            "state directory \(dir) does not exist; create it or pass --db with another path"
        case .notADatabase(let path, let detail):
            "\(path) is not a SQLite database (\(detail)); pass --db with the path of a Bosun state database"
        case .foreignDatabase(let path):
            "\(path) is a SQLite database that Bosun did not create (it has tables but no Bosun migrations); refusing to change it"
        case .newerSchema(let path, let unknown):
            "\(path) was written by a newer Bosun (unknown migrations: \(unknown.joined(separator: ", "))); upgrade bosun to use it. Nothing was changed"
        case .writeFailed(let detail):
            "could not write the state database: \(detail); nothing of this change was kept"
        case .notFound(let what):
            "\(what) not found"
        case .notADirectory(let path):
            "\(path) is not a directory, so it cannot hold the state database; pass --db with another path"
        case .noDatabase(let path):
            "no state database at \(path); run `bosun apply` or `bosun run` first, or pass --db"
        case .readOnly(let path, let reason):
            "cannot write \(path): \(reason); the state database and its -wal and -shm files need a writable file and directory (pass --db with another path)"
        case .cannotOpen(let path, let detail):
            "cannot open the state database \(path): \(detail)"
        }
    }
}
