/// How many provider and agent calls of one operation this sim file has served since the
/// counters were last reset (`bosun sim calls`), so a benchmark can report calls per sweep.
public struct SimCallCount: Sendable, Hashable, Codable {
    public var operation: SimOperation
    /// Every call, failed ones included.
    public var calls: Int
    /// Calls that threw (injected faults included).
    public var errors: Int

    public init(operation: SimOperation, calls: Int, errors: Int) {
        self.operation = operation
        self.calls = calls
        self.errors = errors
    }
}
