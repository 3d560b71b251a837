import BosunProvider
import GRDB

/// The floor under every sim call: bare GRDB transactions on a pool opened exactly like the
/// sim's (same pragmas, same async API), for `bosun bench sim` to compare the sim against.
public enum SimBaseline {
    /// Mean time of `count` write transactions that each insert one row, in a scratch table of
    /// a fresh sim file at `path`. Throws `ProviderError` if the file cannot be opened or written.
    public static func writeTransaction(path: String, count: Int) async throws(ProviderError) -> Duration {
        let pool = try SimDatabase.open(path: path)
        do {
            try await pool.write { db in try db.execute(sql: "CREATE TABLE IF NOT EXISTS baseline (n INTEGER NOT NULL)") }
            let start = ContinuousClock.now
            for n in 0..<count {
                try await pool.write { db in try db.execute(sql: "INSERT INTO baseline (n) VALUES (?)", arguments: [n]) }
            }
            let elapsed = ContinuousClock.now - start
            try pool.close()
            return elapsed / max(count, 1)
        } catch {
            throw SimError.wrap(error)
        }
    }

    /// Mean time of `count` read transactions that each read the sim's one settings row.
    public static func readTransaction(path: String, count: Int) async throws(ProviderError) -> Duration {
        let pool = try SimDatabase.open(path: path)
        do {
            let start = ContinuousClock.now
            for _ in 0..<count { _ = try await pool.read { db in try CloudTable.load(db).revision } }
            let elapsed = ContinuousClock.now - start
            try pool.close()
            return elapsed / max(count, 1)
        } catch {
            throw SimError.wrap(error)
        }
    }
}
