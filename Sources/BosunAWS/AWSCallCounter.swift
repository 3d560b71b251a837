import Synchronization

/// API calls by action (`ec2:DescribeInstances`), counted as they are sent (retries
/// included), for `bosun bench aws` and the tests' call budgets.
public final class AWSCallCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    public init() {}

    func record(_ action: String) { counts.withLock { $0[action, default: 0] += 1 } }

    /// The counts so far; with `reset`, starts again from zero.
    public func snapshot(reset: Bool = false) -> [String: Int] {
        counts.withLock { counts in
            let copy = counts
            if reset { counts = [:] }
            return copy
        }
    }

    /// The sum of every action.
    public var total: Int { counts.withLock { $0.values.reduce(0, +) } }
}
