import BosunModel
import BosunSpec
import Foundation
import GRDB
import Synchronization

/// The state database: the only place Bosun talks SQL. Safe to share between tasks; readers
/// never block the writer (WAL) and each write is one transaction.
public final class Store: Sendable {
    /// Path of the database file.
    public let path: String
    let pool: DatabasePool
    let clock: @Sendable () -> Date
    private let writes = Atomic<Int>(0)
    /// The executor's journal writes, committed in groups (`GroupCommit`).
    let groupCommit: GroupCommit
    /// Copies the WAL back into the database off the writer (`WALCheckpointer`).
    let checkpointer: WALCheckpointer
    /// Decoded specs by canonical hash: a pass re-reads a spec far more often than it changes,
    /// and decoding JSON costs more than the rest of loading a cluster.
    private let specCache = Mutex<[String: ClusterSpec]>([:])

    /// Decoded specs kept at most (a few KB each).
    static let specCacheLimit = 50_000

    /// Write transactions committed through this store since it was opened (for benchmarks).
    public var writeTransactions: Int { writes.load(ordering: .relaxed) + groupCommit.committed }

    /// Opens or creates the database at `path` and brings its schema up to date.
    ///
    /// Throws `StoreError` when the directory is missing, the file is not a (Bosun) SQLite
    /// database, or it was written by a newer Bosun; in each case the file is left untouched.
    /// With `create` false (read-only commands) a missing file throws `StoreError.noDatabase`.
    public init(path: String, create: Bool = true, now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.path = path
        self.pool = try StateDatabase.open(path: path, create: create)
        self.clock = now
        self.groupCommit = GroupCommit(pool: pool)
        let checkpointer = WALCheckpointer(path: path)
        pool.writeWithoutTransaction { db in checkpointer.install(on: db) }
        self.checkpointer = checkpointer
    }

    /// The injected clock's time, as the database stores it.
    func now() -> StoredTime { StoredTime(clock()) }

    /// The spec with canonical `json` and `hash`, decoded once per hash.
    func decodeSpec(json: String, hash: String) throws -> ClusterSpec {
        if let spec = specCache.withLock({ $0[hash] }) { return spec }
        let spec = try CanonicalSpec.decode(json)
        specCache.withLock { cache in
            // Sized past the 10,000 clusters one controller is built for: at exactly the old cap
            // of 10,000 the cache emptied itself on every round and each pass decoded JSON again.
            if cache.count >= Self.specCacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[hash] = spec
        }
        return spec
    }

    /// Identifiers of the migrations this database has run, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try StateDatabase.migrator().completedMigrations(db) }
    }

    /// Checkpoints the WAL and closes, leaving no `-wal`/`-shm` files; further calls fail.
    public func close() throws {
        checkpointer.close()
        _ = try? pool.writeWithoutTransaction { db in
            checkpointer.uninstall(from: db)
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
        try pool.close()
        try StateDatabase.closeLast(path: path)
    }

    // MARK: - Reads

    /// Ingestion's view of every known cluster, by name.
    public func clusterIndex() throws -> [String: ClusterIndexEntry] {
        try pool.read { db in
            // Read on every ingestion pass, for every cluster: columns by position, one cursor.
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT name, source_path, spec_hash, generation, lifecycle, deletion, deletion_requested_by,
                       missing_since, teardown_at
                FROM clusters
                """))
            var out: [String: ClusterIndexEntry] = [:]
            while let row = try rows.next() {
                let name: String = row[0]
                out[name] = ClusterIndexEntry(
                    name: name, sourcePath: row[1], hash: row[2], generation: row[3],
                    lifecycle: ClusterIndexEntry.Lifecycle(rawValue: row[4]) ?? .active,
                    deletion: DeletionPolicy(rawValue: row[5]) ?? .protect,
                    operatorDeleted: (row[6] as String?) == "operator",
                    missingSince: row[7], teardownAt: row[8])
            }
            return out
        }
    }

    /// Paths that currently have recorded spec errors.
    public func specErrorPaths() throws -> Set<String> {
        try pool.read { db in Set(try String.fetchAll(db.cachedStatement(sql: "SELECT DISTINCT path FROM spec_file_errors"))) }
    }

    /// The accepted spec of `cluster`, or nil if there is none.
    public func desiredSpec(_ cluster: String) throws -> ClusterSpec? {
        let json = try pool.read { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT spec_json FROM clusters WHERE name = ?"), arguments: [cluster])
        }
        return try json.map(CanonicalSpec.decode)
    }

    /// The spec `cluster` last converged to (nil before its first convergence): the "before" of
    /// `bosun plan`.
    public func appliedSpec(_ cluster: String) throws -> ClusterSpec? {
        let json = try pool.read { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT applied_spec_json FROM clusters WHERE name = ?"), arguments: [cluster])
        }
        return try json.map(CanonicalSpec.decode)
    }

    /// Rows of `cluster_status`, by name; one cluster if `name` is given.
    public func clusterStatuses(name: String? = nil) throws -> [ClusterStatus] {
        try pool.read { db in
            if let name {
                return try ClusterStatus.fetchAll(
                    db.cachedStatement(sql: "SELECT * FROM cluster_status WHERE cluster = ?"), arguments: [name])
            }
            return try ClusterStatus.fetchAll(db.cachedStatement(sql: "SELECT * FROM cluster_status ORDER BY cluster"))
        }
    }

    /// Rows of `cluster_status` whose file is missing while a deletion clock runs or a mass
    /// removal holds them (the notes `plan` and `apply` print), by name. Cheap however many
    /// clusters there are: the view's per-cluster columns are computed for these rows only.
    public func missingFileStatuses() throws -> [ClusterStatus] {
        try pool.read { db in
            try ClusterStatus.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM cluster_status WHERE lifecycle IN ('pending-deletion', 'held') ORDER BY cluster"))
        }
    }

    /// Names of every cluster, whatever its lifecycle, in order.
    public func clusterNames() throws -> [String] {
        try pool.read { db in try String.fetchAll(db.cachedStatement(sql: "SELECT name FROM clusters ORDER BY name")) }
    }

    /// Rows of `instance_status` for one cluster, by group and index.
    public func instanceStatuses(cluster: String) throws -> [InstanceStatus] {
        try pool.read { db in
            try InstanceStatus.fetchAll(
                db, sql: #"SELECT * FROM instance_status WHERE cluster = ? ORDER BY "group", "index""#, arguments: [cluster])
        }
    }

    /// Rows of `spec_errors`, by path.
    public func specErrors() throws -> [SpecErrorRow] {
        try pool.read { db in try SpecErrorRow.fetchAll(db.cachedStatement(sql: "SELECT * FROM spec_errors ORDER BY path")) }
    }

    /// Every recorded problem of one rejected file, in order.
    public func specIssues(path: String) throws -> [SpecIssue] {
        try pool.read { db in try Self.issues(db, path: path) }
    }

    /// The newest `limit` events (of one cluster if given), oldest first.
    public func events(cluster: String? = nil, limit: Int = 50, after: Int64 = 0) throws -> [EventRow] {
        try pool.read { db in
            let filter = cluster == nil ? "" : "AND cluster = :cluster"
            return try EventRow.fetchAll(
                db,
                sql: "SELECT * FROM (SELECT * FROM events WHERE id > :after \(filter) ORDER BY id DESC LIMIT :limit) ORDER BY id",
                arguments: ["after": after, "cluster": cluster, "limit": limit])
        }
    }

    /// Events with ids above `id`, oldest first, at most `limit` (for following the log).
    public func events(after id: Int64, cluster: String?, limit: Int) throws -> [EventRow] {
        try pool.read { db in
            let filter = cluster == nil ? "" : "AND cluster = :cluster"
            return try EventRow.fetchAll(
                db, sql: "SELECT * FROM events WHERE id > :after \(filter) ORDER BY id LIMIT :limit",
                arguments: ["after": id, "cluster": cluster, "limit": limit])
        }
    }

    // MARK: - Writes

    /// Appends one event.
    public func recordEvent(cluster: String?, instance: String? = nil, kind: String, message: String) throws {
        try write { db in try self.insertEvent(db, cluster: cluster, instance: instance, kind: kind, message: message) }
    }

    /// Runs `body` in one write transaction, mapping SQLite failures (constraint, disk full)
    /// to `StoreError.writeFailed`: either all of it is kept or none.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            defer { writes.add(1, ordering: .relaxed) }
            return try pool.write(body)
        } catch let error as DatabaseError {
            throw StoreError.writeFailed(error.message ?? "\(error.resultCode)")
        }
    }

    func insertEvent(_ db: Database, cluster: String?, instance: String?, kind: String, message: String) throws {
        try db.cachedStatement(sql: "INSERT INTO events (at, cluster, instance, kind, message) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [now(), cluster, instance, kind, message])
    }

    static func issues(_ db: Database, path: String) throws -> [SpecIssue] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT line, column, field, message FROM spec_file_errors WHERE path = ? ORDER BY seq"),
            arguments: [path]
        ).map { SpecIssue(file: path, line: $0["line"], column: $0["column"], path: $0["field"], message: $0["message"]) }
    }
}
