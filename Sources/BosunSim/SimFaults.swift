import BosunProvider

/// What goes wrong with calls, for one operation or all of them. Every call first draws its
/// fate: a retryable error (`errorRate`), a terminal one (`terminalRate`), a timeout
/// (`timeoutRate`), or success; the three rates add up to at most 1.
public struct SimFaults: Sendable, Hashable {
    /// Fraction of calls that fail with a retryable `ServiceUnavailable`, changing nothing.
    public var errorRate: Double
    /// Fraction of calls that fail with a terminal `InjectedFailure`, changing nothing.
    public var terminalRate: Double
    /// Fraction of calls that hang for `latency + timeoutHang`, then throw a retryable
    /// `Timeout`. Half of them (by the same seeded draw) take effect first, as real clouds do.
    public var timeoutRate: Double
    /// Added to every call.
    public var latency: Duration
    /// A uniform extra delay in `0...jitter`, added to every call.
    public var jitter: Duration
    /// How long a timed-out call hangs past its latency before throwing.
    public var timeoutHang: Duration

    public init(
        errorRate: Double = 0, terminalRate: Double = 0, timeoutRate: Double = 0, latency: Duration = .zero,
        jitter: Duration = .zero, timeoutHang: Duration = .seconds(1)
    ) {
        self.errorRate = errorRate
        self.terminalRate = terminalRate
        self.timeoutRate = timeoutRate
        self.latency = latency
        self.jitter = jitter
        self.timeoutHang = timeoutHang
    }

    /// No faults and no latency: calls cost only the sim's own work.
    public static let none = SimFaults()

    /// Throws terminal `InvalidParameter` unless every rate is in 0...1, they add up to at
    /// most 1, and no duration is negative.
    func validate() throws(ProviderError) {
        for (name, rate) in [("error rate", errorRate), ("terminal rate", terminalRate), ("timeout rate", timeoutRate)] {
            guard rate.isFinite, (0...1).contains(rate) else { throw SimError.invalid("\(name) \(rate) is not in 0...1") }
        }
        guard errorRate + terminalRate + timeoutRate <= 1 + 1e-9 else {
            throw SimError.invalid("error, terminal and timeout rates add up to more than 1")
        }
        for (name, duration) in [("latency", latency), ("jitter", jitter), ("timeout hang", timeoutHang)] {
            guard duration >= .zero else { throw SimError.invalid("\(name) \(duration) is negative") }
        }
    }
}
