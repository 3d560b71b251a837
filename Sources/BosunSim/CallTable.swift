import GRDB

/// The `calls` table: provider calls per operation, summed over every process that wrote its
/// batch (`SimCallCounter`).
enum CallTable {
    static func add(_ db: Database, _ batch: [SimOperation: SimCallCounter.Tally]) throws {
        guard !batch.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO calls (operation, calls, errors) VALUES (?, ?, ?)
                ON CONFLICT (operation) DO UPDATE SET calls = calls + excluded.calls, errors = errors + excluded.errors
                """)
        for (operation, tally) in batch {
            try statement.execute(arguments: [operation.rawValue, tally.calls, tally.errors])
        }
    }

    /// Every operation with at least one call, in `SimOperation` order.
    static func all(_ db: Database) throws -> [SimCallCount] {
        let rows = try Row.fetchAll(db, sql: "SELECT operation, calls, errors FROM calls WHERE calls > 0")
        let counts = rows.compactMap { row -> SimCallCount? in
            guard let operation = SimOperation(rawValue: row[0]) else { return nil }
            return SimCallCount(operation: operation, calls: row[1], errors: row[2])
        }
        let order = Dictionary(uniqueKeysWithValues: SimOperation.allCases.enumerated().map { ($1, $0) })
        return counts.sorted { order[$0.operation, default: 0] < order[$1.operation, default: 0] }
    }

    static func reset(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM calls")
    }
}
