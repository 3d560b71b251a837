import BosunModel
import Synchronization

/// The seeded source of every random choice the sim makes. One stream per process, reseeded
/// whenever the stored settings change, so a run from a given `bosun sim faults --seed` on is
/// reproducible call by call (in call order).
final class SimDice: Sendable {
    private struct State {
        var revision: Int64 = -1
        var generator = SplitMix64(seed: 0)
    }

    private let fallbackSeed: UInt64
    private let state = Mutex(State())

    init(seed: UInt64) { fallbackSeed = seed }

    /// Draws one call's fate and delay under `faults`. Always three draws, so the stream stays
    /// aligned whatever the outcome.
    func roll(_ faults: SimFaults, revision: Int64, seed: UInt64?) -> SimRoll {
        let (u, jitterFraction, appliedDraw) = state.withLock { state in
            if state.revision != revision {
                state.revision = revision
                state.generator = SplitMix64(seed: seed ?? fallbackSeed)
            }
            return (state.generator.unit(), state.generator.unit(), state.generator.unit())
        }
        let fate: SimRoll.Fate
        if u < faults.errorRate {
            fate = .retryable
        } else if u < faults.errorRate + faults.terminalRate {
            fate = .terminal
        } else if u < faults.errorRate + faults.terminalRate + faults.timeoutRate {
            fate = .timeout(applied: appliedDraw < 0.5)
        } else {
            fate = .proceed
        }
        var delay = faults.latency + faults.jitter * jitterFraction
        if case .timeout = fate { delay += faults.timeoutHang }
        return SimRoll(fate: fate, delay: delay)
    }
}

/// One call's fate, drawn before it runs.
struct SimRoll: Sendable {
    enum Fate: Sendable, Equatable {
        case proceed
        case retryable
        case terminal
        /// Hangs, then throws `Timeout`; `applied` says whether the change happened anyway.
        case timeout(applied: Bool)
    }

    var fate: Fate
    /// Slept after the transaction, before returning or throwing.
    var delay: Duration
}
