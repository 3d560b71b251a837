import Foundation

/// What the sim takes from the outside world, injected so tests are deterministic: the clock
/// that ages boots, job starts and heartbeats; the sleep behind latency and timeouts; and the
/// seed of the fault draws when the sim file sets none.
public struct SimEnvironment: Sendable {
    public var now: @Sendable () -> Date
    public var sleep: @Sendable (Duration) async throws -> Void
    public var seed: UInt64

    public init(
        now: @escaping @Sendable () -> Date, sleep: @escaping @Sendable (Duration) async throws -> Void, seed: UInt64
    ) {
        self.now = now
        self.sleep = sleep
        self.seed = seed
    }

    /// The wall clock and real sleeps, seed 0.
    public static var live: SimEnvironment {
        SimEnvironment(now: { Date() }, sleep: { try await Task.sleep(for: $0) }, seed: 0)
    }
}
