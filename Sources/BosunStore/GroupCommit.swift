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
                run: { db in
                    let result = Result<T, any Error>(catching: {
                        var value: T?
                        try db.inSavepoint {
                            value = try body(db)
                            return .commit
                        }
                        return value!
                    })
                    outcome.withLock { $0 = result }
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
                try pool.write { db in for job in jobs { job.run(db) } }
                transactions.add(1, ordering: .relaxed)
            } catch let error as DatabaseError {
                failure = StoreError.writeFailed(error.message ?? "\(error.resultCode)")
            } catch {
                failure = error
            }
            for job in jobs { job.finish(failure) }
        }
    }

    private struct Job: Sendable {
        let run: @Sendable (Database) -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }
}
