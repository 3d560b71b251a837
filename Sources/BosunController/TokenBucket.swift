/// A per-provider token bucket. Callers `acquire()` one token per provider call; throttling
/// replies halve the rate (down to a floor) and successes creep it back up (AIMD).
public actor TokenBucket {
    private let maxRate: Double
    private let burst: Double
    private var rate: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant
    private let clock = ContinuousClock()
    /// No rate limit: callers skip the bucket (and the hops onto this actor) altogether.
    public nonisolated let isUnlimited: Bool

    /// `ratePerSecond` nil means unlimited.
    public init(ratePerSecond: Double?, burst: Int? = nil) {
        let r = ratePerSecond ?? .infinity
        maxRate = r
        isUnlimited = !r.isFinite
        rate = r
        self.burst = Double(burst ?? max(1, Int(min(r, 1_000_000))))
        tokens = self.burst
        last = clock.now
    }

    public func acquire() async throws {
        guard rate.isFinite else { return }
        while true {
            refill()
            if tokens >= 1 {
                tokens -= 1
                return
            }
            try await Task.sleep(for: .seconds((1 - tokens) / rate))
        }
    }

    /// The provider said "slow down".
    public func throttled() {
        guard maxRate.isFinite else { return }
        rate = max(maxRate / 32, rate / 2)
    }

    /// A call went through: recover a little.
    public func succeeded() {
        guard maxRate.isFinite, rate < maxRate else { return }
        rate = min(maxRate, rate + maxRate / 100)
    }

    public var currentRate: Double { rate }

    private func refill() {
        let now = clock.now
        tokens = min(burst, tokens + (now - last).seconds * rate)
        last = now
    }
}
