import Synchronization

/// Set once when the controller shuts down gracefully: executors stop starting actions and
/// park the ones waiting to retry, while actions already talking to the provider finish.
public final class StopSignal: Sendable {
    private let flag = Mutex(false)

    public init() {}

    public func stop() { flag.withLock { $0 = true } }

    public var isStopped: Bool { flag.withLock { $0 } }
}
