import BosunModel
import Synchronization

/// Injected randomness: a seeded `SplitMix64` behind a lock, so tests are deterministic and the
/// controller has no global random state.
public final class RandomSource: Sendable {
    private let generator: Mutex<SplitMix64>

    public init(seed: UInt64) { generator = Mutex(SplitMix64(seed: seed)) }

    /// A uniformly distributed value in [0, 1).
    public func unit() -> Double { generator.withLock { $0.unit() } }
}
