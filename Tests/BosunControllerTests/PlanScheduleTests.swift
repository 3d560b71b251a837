@testable import BosunController
import BosunPlanner
import Testing

/// The shared schedule of one plan's steps: what is ready, what a finishing step may go straight
/// on to, and what a failure dooms.
@Suite struct PlanScheduleTests {
    private func step(_ id: Int, _ instance: String, after: [Int] = []) -> PlannedAction {
        PlannedAction(
            id: id, kind: .waitHealthy(jobs: ["kubelet"]), instance: instance, group: "g", index: 0, dependsOn: after,
            reason: "test", canary: false)
    }

    /// a: #0 → #1 → #2; b: #3 → #4, and #4 also waits for a's #0 (a peer's VM).
    private var plan: Plan {
        Plan(cluster: "c", actions: [
            step(0, "c/a"), step(1, "c/a", after: [0]), step(2, "c/a", after: [1]),
            step(3, "c/b"), step(4, "c/b", after: [0, 3]),
        ])
    }

    @Test func aStepGoesStraightOnOnlyToItsInstancesNextStepLeftWaitingForItAlone() {
        let s = PlanSchedule(plan)
        #expect(s.start(stopping: false) == [0, 3])
        // #3's successor #4 still waits for #0: no straight on.
        #expect(s.claimSuccessor(of: 3, stopping: false) == nil)
        #expect(s.succeeded(3, stopping: false).isEmpty)
        // #0's successor on its own instance is #1 (#4 is b's).
        #expect(s.claimSuccessor(of: 0, stopping: false) == 1)
        // #0's success readies #4 (launched), not #1 (already claimed).
        #expect(s.succeeded(0, stopping: false) == [4])
        #expect(s.claimSuccessor(of: 1, stopping: true) == nil, "nothing goes straight on while stopping")
        #expect(s.succeeded(1, stopping: true).isEmpty, "nor is launched")
        #expect(!s.chainEnded())
        #expect(!s.chainEnded())
        #expect(s.chainEnded(), "three chains were launched: #0, #3, #4")
        let (result, doomed, left) = s.outcome()
        #expect(result.succeeded == 3)
        #expect(doomed.isEmpty)
        #expect(left == [2], "#2 never started: parked")
    }

    @Test func aFailureDoomsEverythingAfterItAndAGivenBackClaimIsNotLost() {
        let s = PlanSchedule(plan)
        _ = s.start(stopping: false)
        #expect(s.claimSuccessor(of: 0, stopping: false) == 1)
        // The journal write failed: the claim is given back and #0 fails.
        s.unclaim(1)
        s.failed(0, error: "journal: disk full")
        #expect(s.succeeded(3, stopping: false).isEmpty, "#4 waits for the failed #0")
        #expect(s.claimSuccessor(of: 3, stopping: false) == nil)
        _ = s.chainEnded()
        #expect(s.chainEnded())
        let (result, doomed, left) = s.outcome()
        #expect(result.failed.map(\.action.id) == [0])
        #expect(doomed == [1, 2, 4])
        #expect(left.isEmpty)
    }
}
