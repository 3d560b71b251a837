@testable import BosunController
import Synchronization
import Testing

/// One timer for every action's timeout: a call past its limit is cancelled and reported as a
/// timeout, one within it returns its value or its own error, and an action that starts later
/// with a shorter limit is still cut off on time.
@Suite struct ActionDeadlinesTests {
    struct Boom: Error {}

    @Test func aCallWithinItsLimitReturnsItsValueAndLeavesNothingBehind() async throws {
        let deadlines = ActionDeadlines()
        let value = try await deadlines.run(limit: .seconds(30)) { 42 }
        #expect(value == 42)
        await #expect(throws: Boom.self) { try await deadlines.run(limit: .seconds(30)) { () async throws -> Int in throw Boom() } }
        #expect(deadlines.inFlight == 0)
    }

    @Test func aCallPastItsLimitIsCancelledAndTimesOut() async throws {
        let deadlines = ActionDeadlines()
        let sawCancel = Atomic<Bool>(false)
        let start = ContinuousClock.now
        await #expect(throws: ActionTimeout.self) {
            try await deadlines.run(limit: .milliseconds(150)) { () async throws -> Int in
                do { try await Task.sleep(for: .seconds(60)) } catch { sawCancel.store(true, ordering: .relaxed); throw error }
                return 1
            }
        }
        let took = ContinuousClock.now - start
        let cancelled = sawCancel.load(ordering: .relaxed)
        #expect(cancelled)
        #expect(took >= .milliseconds(150) && took < .seconds(10), "\(took)")
        #expect(deadlines.inFlight == 0)
    }

    @Test func aShorterLimitStartedLaterStillFiresOnTime() async throws {
        let deadlines = ActionDeadlines()
        // A long call first, so the timer is set for its far deadline...
        let release = Atomic<Bool>(false)
        let long = Task {
            try await deadlines.run(limit: .seconds(120)) { () async throws -> Int in
                while !release.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(5)) }
                return 1
            }
        }
        try await waitUntil { deadlines.inFlight == 1 }
        // ...then a short one, which must move the timer earlier.
        let start = ContinuousClock.now
        await #expect(throws: ActionTimeout.self) {
            try await deadlines.run(limit: .milliseconds(100)) { () async throws -> Int in
                try await Task.sleep(for: .seconds(120))
                return 2
            }
        }
        #expect(ContinuousClock.now - start < .seconds(10))
        // The long call is untouched by the short one's timeout.
        #expect(deadlines.inFlight == 1)
        release.store(true, ordering: .relaxed)
        #expect(try await long.value == 1)
        #expect(deadlines.inFlight == 0)
    }

    @Test func manyConcurrentCallsEachKeepTheirOwnOutcome() async throws {
        let deadlines = ActionDeadlines()
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for i in 0..<60 {
                group.addTask {
                    do {
                        _ = try await deadlines.run(limit: i % 3 == 0 ? .milliseconds(50) : .seconds(60)) { () async throws -> Int in
                            if i % 3 == 0 { try await Task.sleep(for: .seconds(60)) }
                            return i
                        }
                        return (i, true)
                    } catch {
                        return (i, false)
                    }
                }
            }
            var out: [Int: Bool] = [:]
            for await (i, ok) in group { out[i] = ok }
            return out
        }
        for i in 0..<60 { #expect(outcomes[i] == (i % 3 != 0), "\(i)") }
        #expect(deadlines.inFlight == 0)
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw Boom() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
