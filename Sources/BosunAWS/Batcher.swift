/// Folds concurrent requests into batched API calls: while one call is in flight, new
/// requests queue, and when it ends every queued request (up to `limit`) goes into the next
/// call. Nobody waits on a timer: a lone request is sent at once, and under load the batches
/// grow by themselves. A request always goes into a call that starts after it was made, so a
/// caller reads what it wrote before.
///
/// AWS rate-limits per account, and one `DescribeInstances`, `SendCommand` or
/// `RegisterTargets` takes many ids: 23 instances converging together cost a few calls of
/// each kind, not 23.
actor Batcher<Request: Sendable, Response: Sendable> {
    typealias Call = @Sendable ([Request]) async throws -> [Response]

    private let limit: Int
    private let call: Call
    private var queue: [(request: Request, waiter: CheckedContinuation<Response, any Error>)] = []
    private var running = false

    /// `call` answers one response per request, in order; if it throws, every request of
    /// that batch gets the error. At most `limit` requests go into one call.
    init(limit: Int, _ call: @escaping Call) {
        precondition(limit > 0)
        self.limit = limit
        self.call = call
    }

    /// The response to `request`, from the next call that can take it.
    func submit(_ request: Request) async throws -> Response {
        try await withCheckedThrowingContinuation { waiter in
            queue.append((request, waiter))
            if !running { startNext() }
        }
    }

    /// Requests waiting for the next call (for tests and figures).
    var queued: Int { queue.count }

    private func startNext() {
        guard !queue.isEmpty else {
            running = false
            return
        }
        running = true
        let batch = Array(queue.prefix(limit))
        queue.removeFirst(batch.count)
        let call = self.call
        // Not isolated to this actor (a weak capture): the call runs off it, and requests keep
        // queueing while it does.
        Task { [weak self] in
            let outcome: Result<[Response], any Error>
            do {
                outcome = .success(try await call(batch.map(\.request)))
            } catch {
                outcome = .failure(error)
            }
            guard let self else {
                for (_, waiter) in batch { waiter.resume(throwing: CancellationError()) }
                return
            }
            await self.finish(batch.map(\.waiter), outcome)
        }
    }

    private func finish(_ waiters: [CheckedContinuation<Response, any Error>], _ outcome: Result<[Response], any Error>) {
        switch outcome {
        case .success(let responses) where responses.count == waiters.count:
            for (waiter, response) in zip(waiters, responses) { waiter.resume(returning: response) }
        case .success(let responses):
            let error = BatchMismatch(requests: waiters.count, responses: responses.count)
            for waiter in waiters { waiter.resume(throwing: error) }
        case .failure(let error):
            for waiter in waiters { waiter.resume(throwing: error) }
        }
        startNext()
    }
}

/// A batched call answered a different number of responses than it was given requests: a
/// bug in the call, reported rather than trapped.
struct BatchMismatch: Error, CustomStringConvertible {
    let requests: Int
    let responses: Int
    var description: String { "a batched call answered \(responses) responses for \(requests) requests" }
}
