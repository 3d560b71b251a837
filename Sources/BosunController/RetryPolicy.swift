import Foundation

/// Exponential backoff with full jitter (`semantics.md`: base 1 s, factor 2, cap 60 s, at most
/// 8 attempts). Pure: the caller supplies the random fraction.
public struct RetryPolicy: Sendable, Hashable {
    public var base: Duration
    public var factor: Double
    public var cap: Duration
    public var maxAttempts: Int

    public init(base: Duration = .seconds(1), factor: Double = 2, cap: Duration = .seconds(60), maxAttempts: Int = 8) {
        self.base = base
        self.factor = factor
        self.cap = cap
        self.maxAttempts = maxAttempts
    }

    /// Delay before attempt `attempt + 1` after `attempt` failures (1-based), given `unit` in
    /// [0, 1): uniformly in `[0, min(cap, base * factor^(attempt-1))]`.
    public func delay(afterAttempt attempt: Int, unit: Double) -> Duration {
        let ceiling = min(cap.seconds, base.seconds * pow(factor, Double(max(0, attempt - 1))))
        return .nanoseconds(Int64(ceiling * unit * 1e9))
    }
}

extension Duration {
    /// Seconds as a Double.
    public var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
