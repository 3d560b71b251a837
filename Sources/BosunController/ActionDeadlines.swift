import Synchronization

/// Bounds how long an action's provider call may run, with one timer for every action in
/// flight instead of one each.
///
/// A timer per action (a task group racing the call against a sleeping task) cost about 7 % of
/// a large apply's CPU, and each cancelled sleep kept its timer queued until its deadline, five
/// or ten minutes on: tens of thousands of them during an apply of 10,000 clusters. Here one
/// sleeper waits for the earliest deadline; an action that finishes first only leaves the table.
final class ActionDeadlines: Sendable {
    private struct Entry {
        let deadline: ContinuousClock.Instant
        let cancel: @Sendable () -> Void
    }

    private struct State {
        var nextID: UInt64 = 0
        var entries: [UInt64: Entry] = [:]
        /// When the sleeper wakes next, and the sleeper itself (nil: none is waiting).
        var wake: ContinuousClock.Instant?
        var sleeper: Task<Void, Never>?
    }

    private let state = Mutex(State())
    private let clock = ContinuousClock()

    /// Runs `body` in a task of its own and returns its result; if it has not finished within
    /// `limit`, cancels it, waits for it to end (every provider call ends on cancellation) and
    /// throws `ActionTimeout`. Throws what `body` threw otherwise. Cancelling the caller does not
    /// cancel `body`: a call that is already talking to the provider is let finish.
    func run<T: Sendable>(limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let timedOut = Atomic<Bool>(false)
        let task = Task { try await body() }
        let id = register(deadline: clock.now.advanced(by: limit)) {
            timedOut.store(true, ordering: .relaxed)
            task.cancel()
        }
        defer { unregister(id) }
        do {
            let value = try await task.value
            if timedOut.load(ordering: .relaxed) { throw ActionTimeout(after: limit) }
            return value
        } catch {
            if timedOut.load(ordering: .relaxed) { throw ActionTimeout(after: limit) }
            throw error
        }
    }

    /// Actions being timed (for tests).
    var inFlight: Int { state.withLock { $0.entries.count } }

    private func register(deadline: ContinuousClock.Instant, cancel: @escaping @Sendable () -> Void) -> UInt64 {
        state.withLock { s in
            let id = s.nextID
            s.nextID += 1
            s.entries[id] = Entry(deadline: deadline, cancel: cancel)
            if s.wake.map({ deadline < $0 }) ?? true { schedule(&s, at: deadline) }
            return id
        }
    }

    private func unregister(_ id: UInt64) {
        state.withLock { _ = $0.entries.removeValue(forKey: id) }
    }

    /// Replaces the sleeper with one that wakes at `instant`. Only an earlier deadline than the
    /// one awaited does this; with one timeout per kind of action that is rare.
    private func schedule(_ s: inout State, at instant: ContinuousClock.Instant) {
        s.sleeper?.cancel()
        s.wake = instant
        s.sleeper = Task { [weak self] in
            do { try await Task.sleep(until: instant, clock: ContinuousClock()) } catch { return }
            self?.expire()
        }
    }

    /// Cancels every action past its deadline and sleeps until the next one.
    private func expire() {
        let overdue = state.withLock { s -> [@Sendable () -> Void] in
            let now = clock.now
            var overdue: [@Sendable () -> Void] = []
            var next: ContinuousClock.Instant?
            for (id, entry) in s.entries {
                if entry.deadline <= now {
                    overdue.append(entry.cancel)
                    s.entries[id] = nil
                } else if next.map({ entry.deadline < $0 }) ?? true {
                    next = entry.deadline
                }
            }
            s.sleeper = nil
            s.wake = nil
            if let next { schedule(&s, at: next) }
            return overdue
        }
        for cancel in overdue { cancel() }
    }
}
