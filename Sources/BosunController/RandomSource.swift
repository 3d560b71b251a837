import Synchronization

/// Injected randomness: a seeded SplitMix64 behind a lock, so tests are deterministic and the
/// controller has no global random state.
public final class RandomSource: Sendable {
    private let state: Mutex<UInt64>

    public init(seed: UInt64) { state = Mutex(seed) }

    /// A uniformly distributed value in [0, 1).
    public func unit() -> Double {
        let value = state.withLock { s -> UInt64 in
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return Double(value >> 11) / Double(1 << 53)
    }
}
