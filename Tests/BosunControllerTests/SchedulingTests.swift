import BosunController
import Foundation
import Testing

@Suite struct SchedulingTests {
    @Test func keyQueuedTwiceRunsOnce() async {
        let queue = WorkQueue()
        await queue.add("a")
        await queue.add("a")
        await queue.add("b")
        #expect(await queue.depth == 2)
        #expect(await queue.next() == "a")
        #expect(await queue.next() == "b")
    }

    @Test func keyAddedWhileRunningRunsAgainAfterNotConcurrently() async {
        let queue = WorkQueue()
        await queue.add("a")
        let first = await queue.next()
        #expect(first == "a")
        await queue.add("a")  // while "a" is being worked on
        #expect(await queue.depth == 0, "not handed to a second worker")
        await queue.done("a")
        #expect(await queue.depth == 1)
        #expect(await queue.next() == "a")
    }

    @Test func delayedAddKeepsTheEarliestDueTime() async throws {
        let queue = WorkQueue()
        await queue.add("a", after: .seconds(3600))
        await queue.add("a", after: .milliseconds(10))
        let start = ContinuousClock.now
        let key = await queue.next()
        #expect(key == "a")
        #expect(ContinuousClock.now - start < .seconds(60))
    }

    @Test func shutdownWakesWaitingWorkers() async {
        let queue = WorkQueue()
        async let waiting = queue.next()
        await queue.shutdown()
        #expect(await waiting == nil)
    }

    @Test func poolServesClustersRoundRobin() async throws {
        let pool = WorkerPool(capacity: 1)
        await pool.acquire(cluster: "holder")
        let order = Recorder()
        // A big cluster queues 5 requests before a small one queues 1.
        var tasks: [Task<Void, Never>] = []
        for i in 0..<5 {
            tasks.append(Task {
                await pool.acquire(cluster: "big")
                await order.add("big\(i)")
                pool.release()
            })
            try await waitUntil { pool.waiting == i + 1 }
        }
        tasks.append(Task {
            await pool.acquire(cluster: "small")
            await order.add("small")
            pool.release()
        })
        try await waitUntil { pool.waiting == 6 }
        pool.release()
        for t in tasks { await t.value }
        let served = await order.items
        #expect(served.firstIndex(of: "small")! <= 1, "the small cluster is served second, not last: \(served)")
    }

    @Test func backoffIsFullJitterUnderACap() {
        let policy = RetryPolicy(base: .seconds(1), factor: 2, cap: .seconds(60), maxAttempts: 8)
        #expect(policy.delay(afterAttempt: 1, unit: 0.999) <= .seconds(1))
        #expect(policy.delay(afterAttempt: 3, unit: 0.999) > .seconds(3.9))
        #expect(policy.delay(afterAttempt: 3, unit: 0.999) <= .seconds(4))
        #expect(policy.delay(afterAttempt: 20, unit: 0.999) <= .seconds(60))
        #expect(policy.delay(afterAttempt: 20, unit: 0) == .zero)
    }

    @Test func randomSourceIsDeterministicUnderASeed() {
        let a = RandomSource(seed: 42), b = RandomSource(seed: 42)
        let xs = (0..<5).map { _ in a.unit() }
        #expect(xs == (0..<5).map { _ in b.unit() })
        #expect(xs.allSatisfy { (0..<1).contains($0) })
    }

    @Test func tokenBucketSlowsDownOnThrottling() async throws {
        let bucket = TokenBucket(ratePerSecond: 100, burst: 1)
        await bucket.throttled()
        #expect(await bucket.currentRate == 50)
        for _ in 0..<200 { await bucket.throttled() }
        #expect(await bucket.currentRate == 100.0 / 32, "never below 1/32 of the configured rate")
        await bucket.succeeded()
        #expect(await bucket.currentRate > 100.0 / 32)
    }

    func waitUntil(_ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while !(await condition()) {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}

actor Recorder {
    private(set) var items: [String] = []
    func add(_ item: String) { items.append(item) }
}
