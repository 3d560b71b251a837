import Foundation
import GRDB
import Synchronization

/// Group commit: small writes that arrive while a transaction is being written are queued and
/// committed together in the next one, each in its own savepoint (one failing write rolls back
/// only itself). A caller resumes only after the transaction that holds its write has
/// committed, so "journaled before the provider is called" holds exactly as with a plain
/// write; and it waits suspended, not blocking one of the few threads Swift concurrency has.
///
/// The executor's journal writes (two per action attempt) go through here: with dozens of
/// actions in flight they share transactions instead of queueing for one each.
final class GroupCommit: Sendable {
    private let pool: DatabasePool
    private let queue = DispatchQueue(label: "bosun.group-commit")
    private let state = Mutex<(jobs: [Job], draining: Bool)>(([], false))
    private let transactions = Atomic<Int>(0)

    /// Transactions committed so far (each holding one or more writes).
    var committed: Int { transactions.load(ordering: .relaxed) }

    init(pool: DatabasePool) { self.pool = pool }

    /// Runs `body` in the next group transaction; returns its result once that transaction has
    /// committed. Throws what `body` threw (its savepoint rolled back, the others unaffected) or,
    /// if the transaction could not commit, the database error (then nothing of it was written).
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = Mutex<Result<T, any Error>?>(nil)
            let job = Job(
                run: { db, isolated in
                    let result = Result<T, any Error>(catching: {
                        guard isolated else { return try body(db) }
                        var value: T?
                        try db.inSavepoint {
                            value = try body(db)
                            return .commit
                        }
                        return value!
                    })
                    outcome.withLock { $0 = result }
                    if case .failure = result { return false }
                    return true
                },
                finish: { commitError in
                    if let commitError {
                        continuation.resume(throwing: commitError)
                    } else {
                        continuation.resume(with: outcome.withLock { $0 } ?? .failure(CancellationError()))
                    }
                })
            let start = state.withLock { s -> Bool in
                s.jobs.append(job)
                if s.draining { return false }
                s.draining = true
                return true
            }
            if start { queue.async { self.drain() } }
        }
    }

    private func drain() {
        while true {
            let jobs = state.withLock { s -> [Job] in
                if s.jobs.isEmpty {
                    s.draining = false
                    return []
                }
                defer { s.jobs.removeAll(keepingCapacity: true) }
                return s.jobs
            }
            if jobs.isEmpty { return }
            var failure: (any Error)?
            do {
                try pool.writeWithoutTransaction { db in try Self.commit(jobs, db) }
                transactions.add(1, ordering: .relaxed)
            } catch let error as DatabaseError {
                failure = StoreError.writeFailed(error.message ?? "\(error.resultCode)")
            } catch {
                failure = error
            }
            for job in jobs { job.finish(failure) }
        }
    }

    /// Commits `jobs` in one transaction. Each job runs bare first: a savepoint apiece is two
    /// more statements, parsed each time, on the one thread that holds the write lock, and that
    /// lock is what bounds a large apply.
    /// If any job fails, that transaction is rolled back whole and the group runs again with
    /// each job in its own savepoint, so a failing write still rolls back only itself (the
    /// jobs are database writes only, so running one twice after a rollback is the same as once).
    private static func commit(_ jobs: [Job], _ db: Database) throws {
        do {
            try db.inTransaction(.immediate) {
                for job in jobs where !job.run(db, false) { throw OneFailed() }
                return .commit
            }
        } catch is OneFailed {
            try db.inTransaction(.immediate) {
                for job in jobs { _ = job.run(db, true) }
                return .commit
            }
        }
    }

    private struct OneFailed: Error {}

    private struct Job: Sendable {
        /// Runs the job's writes, in a savepoint of its own when `isolated`; false if they threw.
        let run: @Sendable (Database, _ isolated: Bool) -> Bool
        let finish: @Sendable ((any Error)?) -> Void
    }
}
