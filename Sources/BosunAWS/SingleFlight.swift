/// Concurrent calls with one key share one execution: the first runs `body`, the others
/// await its result. Creates use it so that 16 concurrent `createVM` with one key make one
/// lookup and at most one `RunInstances` in this process (moto ignores `ClientToken`).
actor SingleFlight<Value: Sendable> {
    private var inFlight: [String: Task<Value, any Error>] = [:]

    func run(_ key: String, _ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let running = inFlight[key] { return try await running.value }
        let task = Task { try await body() }
        inFlight[key] = task
        defer { inFlight[key] = nil }
        return try await task.value
    }
}
