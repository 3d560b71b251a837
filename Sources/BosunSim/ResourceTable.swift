import GRDB

/// What the `vms` and `disks` tables share: rows found by cluster (indexed), by public id
/// (the rowid) and by idempotency key (unique), and deleted by rowid.
protocol ResourceTable {
    associatedtype Row: Sendable
    static var table: String { get }
    /// The SELECT column list `decode` reads.
    static var columns: String { get }
    /// The public id prefix (`SimID.vm`, `SimID.disk`).
    static var kind: String { get }
    /// What the resource is called in messages.
    static var noun: String { get }
    static func decode(_ row: GRDB.Row) -> Row
}

extension ResourceTable {
    static func inCluster(_ db: Database, _ cluster: String) throws -> [Row] {
        let statement = try db.cachedStatement(sql: "SELECT \(columns) FROM \(table) WHERE cluster = ? ORDER BY id")
        return try GRDB.Row.fetchAll(statement, arguments: [cluster]).map(decode)
    }

    static func all(_ db: Database) throws -> [Row] {
        try GRDB.Row.fetchAll(db, sql: "SELECT \(columns) FROM \(table) ORDER BY cluster, id").map(decode)
    }

    static func find(_ db: Database, id: String) throws -> Row? {
        guard let rowid = SimID.parse(id, kind) else { return nil }
        let statement = try db.cachedStatement(sql: "SELECT \(columns) FROM \(table) WHERE id = ?")
        return try GRDB.Row.fetchOne(statement, arguments: [rowid]).map(decode)
    }

    static func find(_ db: Database, key: String) throws -> Row? {
        let statement = try db.cachedStatement(sql: "SELECT \(columns) FROM \(table) WHERE idempotency_key = ?")
        return try GRDB.Row.fetchOne(statement, arguments: [key]).map(decode)
    }

    /// The row named `id`, or terminal `NotFound`.
    static func require(_ db: Database, id: String) throws -> Row {
        guard let row = try find(db, id: id) else { throw SimError.notFound(noun, id) }
        return row
    }

    static func delete(_ db: Database, _ rowid: Int64) throws {
        try db.cachedStatement(sql: "DELETE FROM \(table) WHERE id = ?").execute(arguments: [rowid])
    }
}
