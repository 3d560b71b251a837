@testable import BosunAWS
import Foundation
import Testing

/// `Batcher` folds concurrent requests into calls without timers, and `AWSBatches.oneOrEach`
/// lets one bad member of a batched change fail alone.
@Suite struct BatcherTests {
    /// A call that records its batches and, while `hold` is set, waits until released.
    actor Recorder {
        var batches: [[Int]] = []
        var held: [CheckedContinuation<Void, Never>] = []
        var hold = true

        func record(_ batch: [Int]) async {
            batches.append(batch)
            if hold { await withCheckedContinuation { held.append($0) } }
        }

        func release() {
            hold = false
            for waiter in held { waiter.resume() }
            held = []
        }

        var calls: Int { batches.count }
    }

    static func eventually(_ what: String, _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !(await condition()) {
            guard ContinuousClock.now < deadline else { throw Timeout(what: what) }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    struct Timeout: Error { let what: String }
    struct Refused: Error {}

    @Test func aLoneRequestIsSentAtOnce() async throws {
        let recorder = Recorder()
        await recorder.release()
        let batcher = Batcher<Int, Int>(limit: 10) { batch in
            await recorder.record(batch)
            return batch.map { $0 * 10 }
        }
        #expect(try await batcher.submit(7) == 70)
        #expect(await recorder.batches == [[7]])
    }

    @Test func requestsMadeDuringACallGoTogetherIntoTheNextInLimitSizedCalls() async throws {
        let recorder = Recorder()
        let batcher = Batcher<Int, Int>(limit: 3) { batch in
            await recorder.record(batch)
            return batch.map { $0 * 10 }
        }
        async let first = batcher.submit(1)
        try await Self.eventually("the first call") { await recorder.calls == 1 }
        let rest = Task {
            try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                for n in 2...6 { group.addTask { (n, try await batcher.submit(n)) } }
                return try await group.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
            }
        }
        try await Self.eventually("five queued requests") { await batcher.queued == 5 }
        #expect(await recorder.calls == 1)
        await recorder.release()
        #expect(try await first == 10)
        let answers = try await rest.value
        #expect(answers == [2: 20, 3: 30, 4: 40, 5: 50, 6: 60])
        let batches = await recorder.batches
        #expect(batches.map(\.count) == [1, 3, 2])
        #expect(Set(batches.dropFirst().flatMap { $0 }) == [2, 3, 4, 5, 6])
    }

    @Test func aFailedCallFailsItsOwnRequestsOnly() async throws {
        let recorder = Recorder()
        let batcher = Batcher<Int, Int>(limit: 10) { batch in
            await recorder.record(batch)
            if batch.contains(1) { throw Refused() }
            return batch
        }
        let first = Task { try await batcher.submit(1) }
        try await Self.eventually("the first call") { await recorder.calls == 1 }
        let second = Task { try await batcher.submit(2) }
        try await Self.eventually("a queued request") { await batcher.queued == 1 }
        await recorder.release()
        await #expect(throws: Refused.self) { try await first.value }
        #expect(try await second.value == 2)
    }

    @Test func aCallAnsweringTheWrongCountIsAnErrorNotACrash() async throws {
        let batcher = Batcher<Int, Int>(limit: 10) { _ in [] }
        await #expect(throws: BatchMismatch.self) { try await batcher.submit(1) }
    }

    @Test func aRefusedBatchedChangeIsSentAgainOneByOne() async throws {
        let bad = AWSAPIError(action: "ec2:CreateTags", status: 400, code: "InvalidInstanceID.NotFound", message: "i-gone")
        let calls = Calls()
        let results = await AWSBatches.oneOrEach(["i-1", "i-gone", "i-3"]) { (members: [String]) async throws(AWSAPIError) -> Bool in
            await calls.add(members)
            if members.contains("i-gone") { throw bad }
            return true
        }
        #expect(await calls.made == [["i-1", "i-gone", "i-3"], ["i-1"], ["i-gone"], ["i-3"]])
        #expect(results.map { (try? $0.get()) ?? false } == [true, false, true])
    }

    @Test func aThrottledBatchIsNotSplit() async throws {
        let throttled = AWSAPIError(action: "ec2:CreateTags", status: 400, code: "RequestLimitExceeded", message: "slow down")
        let calls = Calls()
        let results = await AWSBatches.oneOrEach(["i-1", "i-2"]) { (members: [String]) async throws(AWSAPIError) -> Bool in
            await calls.add(members)
            throw throttled
        }
        #expect(await calls.made == [["i-1", "i-2"]])
        #expect(results.allSatisfy { if case .failure(let e) = $0 { e.code == "RequestLimitExceeded" } else { false } })
    }

    @Test func groupedAnswersInRequestOrder() async {
        let answers = await AWSBatches.grouped(["a1", "b1", "a2", "b2"], by: { String($0.prefix(1)) }) { key, group in
            group.map { "\(key):\($0)" }
        }
        #expect(answers == ["a:a1", "b:b1", "a:a2", "b:b2"])
    }

    actor Calls {
        var made: [[String]] = []
        func add(_ members: [String]) { made.append(members) }
    }
}
