import Synchronization

/// This process's provider calls per operation, counted in memory and written to the sim file
/// in batches: at most once per `interval` of the injected clock, on `SimConsole.calls()` and on
/// close. A write per call would add a statement to every write transaction and turn every
/// read (a read transaction) into a write, on the hot path the controller's sweeps measure.
/// A process killed with SIGKILL loses at most the last interval's counts.
final class SimCallCounter: Sendable {
    /// Calls and errors of one operation.
    struct Tally: Sendable, Equatable {
        var calls = 0
        var errors = 0
    }

    private struct State {
        var pending: [SimOperation: Tally] = [:]
        var lastFlush: Double
    }

    private let state: Mutex<State>
    private let interval: Double

    /// `now`: the injected clock's time at open, so the first flush comes one interval later.
    init(now: Double, interval: Double = 1) {
        state = Mutex(State(lastFlush: now))
        self.interval = interval
    }

    /// Counts one call; returns the batch to write when a flush is due (the caller writes it,
    /// or hands it back with `restore` if it cannot).
    func record(_ operation: SimOperation, failed: Bool, now: Double) -> [SimOperation: Tally]? {
        state.withLock { state in
            state.pending[operation, default: Tally()].calls += 1
            if failed { state.pending[operation, default: Tally()].errors += 1 }
            guard now - state.lastFlush >= interval || now < state.lastFlush else { return nil }
            state.lastFlush = now
            defer { state.pending = [:] }
            return state.pending
        }
    }

    /// Takes every count not yet written.
    func drain() -> [SimOperation: Tally] {
        state.withLock { state in
            defer { state.pending = [:] }
            return state.pending
        }
    }

    /// Puts back a batch whose write failed, so it goes out with the next one.
    func restore(_ batch: [SimOperation: Tally]) {
        state.withLock { state in
            for (operation, tally) in batch {
                state.pending[operation, default: Tally()].calls += tally.calls
                state.pending[operation, default: Tally()].errors += tally.errors
            }
        }
    }
}
