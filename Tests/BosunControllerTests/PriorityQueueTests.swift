import BosunController
import Foundation
import Testing

/// The work queue's two levels (issue 9): spec changes and drift ahead of scheduled passes,
/// FIFO and each key once within a level, and client-go's dedup and exclusivity rules kept.
@Suite struct PriorityQueueTests {
    @Test func highIsServedBeforeNormal() async {
        let queue = WorkQueue()
        await queue.add("a")
        await queue.add("b")
        await queue.add("c", priority: .high)
        #expect(await queue.depth(at: .high) == 1)
        #expect(await queue.depth(at: .normal) == 2)
        #expect(await queue.next() == "c")
        #expect(await queue.next() == "a")
        #expect(await queue.next() == "b")
    }

    @Test func withinALevelKeysRunInTheOrderQueuedEachOnce() async {
        let queue = WorkQueue()
        // A cluster that keeps asking (b) does not get ahead of the others.
        for key in ["a", "b", "c", "b", "d", "b", "a"] { await queue.add(key, priority: .high) }
        var order: [String] = []
        for _ in 0..<4 { order.append(await queue.next()!) }
        #expect(order == ["a", "b", "c", "d"])
        #expect(await queue.depth == 0)
    }

    @Test func addingAtAHigherLevelRaisesAQueuedKey() async {
        let queue = WorkQueue()
        await queue.add("a")
        await queue.add("b")
        await queue.add("c", priority: .high)
        await queue.add("b", priority: .high)
        #expect(await queue.priority(of: "b") == .high)
        #expect(await queue.depth == 3, "raised, not duplicated")
        await queue.add("c")
        #expect(await queue.priority(of: "c") == .high, "adding at a lower level never lowers")
        #expect(await queue.next() == "c")
        #expect(await queue.next() == "b")
        #expect(await queue.next() == "a")
        #expect(await queue.depth == 0)
    }

    @Test func aRaisedKeyQueuedAgainLaterKeepsItsNewPlace() async {
        let queue = WorkQueue()
        await queue.add("a")
        await queue.add("a", priority: .high)  // leaves a stale normal entry behind
        #expect(await queue.next() == "a")
        await queue.done("a")
        await queue.add("b")
        await queue.add("a")  // queued after b now
        #expect(await queue.next() == "b")
        #expect(await queue.next() == "a")
    }

    @Test func aKeyAddedWhileRunningRunsAgainAfterAtTheHighestLevelAsked() async {
        let queue = WorkQueue()
        await queue.add("a")
        #expect(await queue.next() == "a")
        await queue.add("b")
        await queue.add("a")
        await queue.add("a", priority: .high)
        #expect(await queue.depth == 1, "a is not handed to a second worker")
        await queue.done("a")
        #expect(await queue.priority(of: "a") == .high)
        #expect(await queue.next() == "a")
        #expect(await queue.next() == "b")
    }

    @Test func delayedAddsBecomeDueAtTheirLevel() async throws {
        let queue = WorkQueue()
        await queue.add("late-normal", after: .milliseconds(20))
        await queue.add("late-high", after: .milliseconds(20), priority: .high)
        await queue.add("now")
        try await waitUntil { await queue.depth == 3 }
        #expect(await queue.priority(of: "late-high") == .high)
        #expect(await queue.priority(of: "late-normal") == .normal)
        #expect(await queue.next() == "late-high")
        #expect(await queue.next() == "now")
        #expect(await queue.next() == "late-normal")
    }

    @Test func ofTwoDelayedAddsTheEarlierWinsAtTheHigherLevel() async throws {
        let queue = WorkQueue()
        await queue.add("a", after: .milliseconds(10))
        await queue.add("a", after: .seconds(3600), priority: .high)
        await queue.add("b")
        try await waitUntil { await queue.depth == 2 }
        #expect(await queue.priority(of: "a") == .high)
        #expect(await queue.next() == "a")
    }

    @Test func aWaitingWorkerGetsTheKeyAtOnce() async throws {
        let queue = WorkQueue()
        async let taken = queue.next()
        try await Task.sleep(for: .milliseconds(20))
        await queue.add("a")
        #expect(await taken == "a")
        await queue.add("a", priority: .high)
        #expect(await queue.depth == 0, "running: it waits for done")
        await queue.done("a")
        #expect(await queue.depth == 1)
    }

    /// Random adds (either level), takes and dones against a plain model: two ordered lists,
    /// a running set and the highest level asked of each running key.
    @Test(arguments: [1, 2, 3, 42, 2026] as [UInt64])
    func randomOperationsMatchAModel(seed: UInt64) async {
        let queue = WorkQueue()
        var rng = Lcg(seed)
        var model = QueueModel()
        let keys = (0..<6).map { "c\($0)" }
        for step in 0..<600 {
            switch rng.next() % 4 {
            case 0, 1:
                let key = keys[Int(rng.next() % UInt64(keys.count))]
                let priority: WorkQueue.Priority = rng.next() % 3 == 0 ? .high : .normal
                await queue.add(key, priority: priority)
                model.add(key, priority)
            case 2:
                guard let expected = model.next() else { continue }
                let got = await queue.next()
                #expect(got == expected, "seed \(seed) step \(step)")
            default:
                let running = model.running.sorted()
                guard !running.isEmpty else { continue }
                let key = running[Int(rng.next() % UInt64(running.count))]
                await queue.done(key)
                model.done(key)
            }
            #expect(await queue.depth == model.depth, "seed \(seed) step \(step)")
            #expect(await queue.depth(at: .high) == model.levels[1].count, "seed \(seed) step \(step)")
        }
    }

    func waitUntil(_ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while !(await condition()) {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}

/// The queue's rules, written the obvious way (O(n) everywhere).
private struct QueueModel {
    var levels: [[String]] = [[], []]
    var running: Set<String> = []
    var dirty: [String: WorkQueue.Priority] = [:]

    var depth: Int { levels[0].count + levels[1].count }

    mutating func add(_ key: String, _ priority: WorkQueue.Priority) {
        if running.contains(key) {
            dirty[key] = max(dirty[key] ?? priority, priority)
            return
        }
        if levels[1].contains(key) { return }
        if levels[0].contains(key) {
            guard priority == .high else { return }
            levels[0].removeAll { $0 == key }
        }
        levels[priority.rawValue].append(key)
    }

    mutating func next() -> String? {
        for level in [1, 0] where !levels[level].isEmpty {
            let key = levels[level].removeFirst()
            running.insert(key)
            return key
        }
        return nil
    }

    mutating func done(_ key: String) {
        running.remove(key)
        if let priority = dirty.removeValue(forKey: key) { add(key, priority) }
    }
}

/// A small deterministic generator, so a failing seed can be replayed.
private struct Lcg {
    var state: UInt64
    init(_ seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
}
