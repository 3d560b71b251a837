import BosunProvider
import Foundation
import GRDB
import Synchronization

/// The simulated cloud: a real `InfrastructureProvider` and `NodeAgent` over its own SQLite
/// file, shared safely by every process that opens it (the controller, `bosun sim …`, tests).
/// Each call is one transaction, then the injected latency; faults and quotas are read from the
/// file on every call, so a change made by another process applies from the next call on.
/// Operators and tests break it behind the controller's back through `console`.
public final class SimCloud: Sendable {
    /// The provider's name in logs and events.
    public let name = "sim"
    /// The sim state file.
    public let path: String
    let pool: DatabasePool
    let environment: SimEnvironment
    let dice: SimDice
    /// This process's calls per operation, written to the file in batches.
    let calls: SimCallCounter
    /// Items per `inventoryPage` (VMs and disks together): 1,000, as one `DescribeInstances`
    /// page; tests make it small to cross page boundaries with few resources.
    public let inventoryPageSize: Int
    /// Faults by operation as of a cloud revision: every change to the faults bumps the
    /// revision (`CloudTable.store`), which each call reads anyway, so the faults table is read
    /// once per revision instead of once per call.
    private let faultCache = Mutex<(revision: Int64, faults: [SimOperation: SimFaults])>((-1, [:]))

    /// Opens the sim state at `path`, creating it (and its schema) if the file does not exist.
    ///
    /// Throws a terminal `ProviderError`, changing nothing on disk, when the directory is missing
    /// (`StateDirectoryMissing`) or not writable (`StateDirectoryReadOnly`), or when the file is
    /// not a sim state (`NotASimDatabase`, `NewerSimDatabase`).
    /// With `create` false (read-only commands) a missing file throws `NoSimState` instead.
    public init(
        path: String, environment: SimEnvironment = .live, create: Bool = true, inventoryPageSize: Int = 1000
    ) throws(ProviderError) {
        self.path = path
        self.inventoryPageSize = max(1, inventoryPageSize)
        self.environment = environment
        dice = SimDice(seed: environment.seed)
        calls = SimCallCounter(now: environment.now().timeIntervalSince1970)
        pool = try SimDatabase.open(path: path, create: create)
    }

    /// Where the sim state lives unless told otherwise: `BOSUN_SIM_STATE` if set, else
    /// `bosun-sim.db` beside the state database.
    public static func defaultPath(
        stateDatabase: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        if let path = environment["BOSUN_SIM_STATE"], !path.isEmpty { return path }
        return URL(fileURLWithPath: stateDatabase).deletingLastPathComponent().appendingPathComponent("bosun-sim.db").path
    }

    /// The operator's hand: list everything, break things, set faults, reset.
    public var console: SimConsole { SimConsole(cloud: self) }

    /// Writes this process's call counts, checkpoints and closes the file, leaving no
    /// `-wal`/`-shm` behind; later calls throw. Throws if SQLite cannot close it cleanly.
    public func close() throws(ProviderError) {
        let batch = calls.drain()
        // Counts are a measurement, not state: losing them must not stop the file closing.
        if !batch.isEmpty { try? pool.write { db in try CallTable.add(db, batch) } }
        do { try SimDatabase.checkpointAndClose(pool, path: path) } catch { throw SimError.wrap(error) }
    }

    /// What a call's body sees: the time of the call and the cloud's settings at that moment.
    struct Moment: Sendable {
        var now: Double
        var cloud: CloudTable.Row
    }

    private struct Outcome<T: Sendable>: Sendable {
        var result: Result<T, ProviderError>
        var delay: Duration
    }

    /// Runs one provider or agent call: one transaction that reads the settings, draws the
    /// call's fate and (unless a fault says otherwise) runs `body`; then the drawn delay; then the
    /// result. Only `ProviderError` leaves here. A body that throws leaves no trace: its
    /// transaction is rolled back (nothing else in it writes), which costs less than a
    /// savepoint around every call.
    func perform<T: Sendable>(
        _ operation: SimOperation, _ body: @escaping @Sendable (Database, Moment) throws -> T
    ) async throws(ProviderError) -> T {
        let write = !operation.isRead
        let access: @Sendable (Database) throws -> Outcome<T> = { db in
            let cloud = try CloudTable.load(db)
            let faults = try self.faults(db, operation, revision: cloud.revision)
            let roll = self.dice.roll(faults, revision: cloud.revision, seed: cloud.seed)
            let moment = Moment(now: self.environment.now().timeIntervalSince1970, cloud: cloud)
            /// `body`'s error, out of a write transaction so that it rolls back.
            func failing(_ error: any Error, as result: Result<T, ProviderError>? = nil) throws -> Outcome<T> {
                let outcome = Outcome(result: result ?? .failure(SimError.wrap(error)), delay: roll.delay)
                if write { throw RolledBack(outcome: outcome) }
                return outcome
            }
            switch roll.fate {
            case .proceed:
                do {
                    return Outcome(result: .success(try body(db, moment)), delay: roll.delay)
                } catch {
                    return try failing(error)
                }
            case .retryable:
                return Outcome(
                    result: .failure(ProviderError(.retryable, code: ProviderError.unavailable, message: "injected fault: \(operation.rawValue) failed")),
                    delay: roll.delay)
            case .terminal:
                return Outcome(
                    result: .failure(SimError.terminal(SimErrorCode.injectedFailure, "injected fault: \(operation.rawValue) failed")),
                    delay: roll.delay)
            case .timeout(let applied):
                let timedOut = Result<T, ProviderError>.failure(ProviderError(
                    .retryable, code: ProviderError.timeout, message: "\(operation.rawValue) timed out; it may or may not have taken effect"))
                if applied && write {
                    do { _ = try body(db, moment) } catch { return try failing(error, as: timedOut) }
                }
                return Outcome(result: timedOut, delay: roll.delay)
            }
        }
        let result: Result<T, ProviderError>
        do {
            let outcome: Outcome<T>
            do {
                outcome = write ? try await pool.write(access) : try await pool.read(access)
            } catch let rolledBack as RolledBack<T> {
                outcome = rolledBack.outcome
            }
            if outcome.delay > .zero { try await environment.sleep(outcome.delay) }
            result = outcome.result
        } catch {
            result = .failure(SimError.wrap(error))
        }
        if case .failure = result { await count(operation, failed: true) } else { await count(operation, failed: false) }
        return try result.get()
    }

    /// A write call whose body threw: thrown out of its transaction so that SQLite rolls back
    /// whatever the body wrote, carrying the outcome to report.
    private struct RolledBack<T: Sendable>: Error {
        var outcome: Outcome<T>
    }

    private func faults(_ db: Database, _ operation: SimOperation, revision: Int64) throws -> SimFaults {
        if let known = faultCache.withLock({ $0.revision == revision ? $0.faults[operation] : nil }) { return known }
        let faults = try CloudTable.faults(db, for: operation)
        faultCache.withLock { cache in
            if cache.revision != revision { cache = (revision, [:]) }
            cache.faults[operation] = faults
        }
        return faults
    }

    /// Counts the call in memory; when a batch is due, writes it in its own short transaction.
    private func count(_ operation: SimOperation, failed: Bool) async {
        guard let batch = calls.record(operation, failed: failed, now: environment.now().timeIntervalSince1970) else { return }
        do {
            try await pool.write { db in try CallTable.add(db, batch) }
        } catch {
            calls.restore(batch)
        }
    }

    /// Runs an operator action in one write transaction, with no faults and no latency.
    func administer<T: Sendable>(_ body: @escaping @Sendable (Database, Moment) throws -> T) async throws(ProviderError) -> T {
        do {
            return try await pool.write { db in
                try body(db, Moment(now: self.environment.now().timeIntervalSince1970, cloud: CloudTable.load(db)))
            }
        } catch {
            throw SimError.wrap(error)
        }
    }
}
