import BosunModel
import BosunPlanner
import BosunProvider
import Foundation
import Testing

/// The disruption budget on scale-down and broken groups, and the plan's new fields as data.
@Suite struct BudgetTests {
    @Test func scaleDownOfMastersWaitsForADownMember() throws {
        var sim = try PF.converged(PF.ha(masters: 5))
        sim.stop("c/master/0")
        let three = PF.ha(masters: 3)
        // Removing a healthy member with one already down could leave too few: (3-1)/2 = 1.
        let suppressed = sim.plan(three, healing: .suppressed(reason: "meltdown"))
        #expect(suppressed.actions.isEmpty)
        // The removals wait; so do the remaining members' restarts for their new peer list.
        let removals = suppressed.deferred.filter { $0.reason.hasSuffix("(scale down: group master wants 3 instances)") }
        #expect(removals.map(\.instance) == ["c/master/4", "c/master/3"])
        #expect(removals.first?.reason == "waiting: 1 of 3 etcd members already down (scale down: group master wants 3 instances)")
        #expect(Set(suppressed.deferred.map(\.instance)) == Set((0..<5).map { "c/master/\($0)" }))
        // Healing starts master0 first; the removals follow on the next pass, one at a time.
        let passes = try sim.converge(three)
        #expect(passes == 2)
        #expect(sim.quorumLosses.isEmpty, "\(sim.quorumLosses)")
        #expect(sim.observed.vms.filter { $0.group == "master" }.count == 3)
    }

    @Test func brokenMembersAreReplacedEvenWhenMoreAreDownThanTheBudget() throws {
        // Three workers down with maxInFlight 1: the budget formula alone would allow nothing,
        // yet recreating a broken worker takes nothing healthy down. One at a time, broken first.
        var sim = try PF.converged(PF.ha(workers: 5))
        for i in 0..<3 { sim.fail("c/worker/\(i)", job: "kubelet"); sim.setHealRestarts("c/worker/\(i)", 3) }
        var rollout = sim
        let plan = sim.plan(PF.ha(workers: 5))
        #expect(Set(plan.instances) == ["c/worker/0", "c/worker/1", "c/worker/2"])
        #expect(plan.deferred.isEmpty)
        _ = try sim.apply(plan, spec: PF.ha(workers: 5))
        #expect(sim.peakInFlight["worker"] == 1)
        #expect(sim.plan(PF.ha(workers: 5)).isConverged)

        // With a version change as well, the broken ones go first; once they are healthy again
        // the healthy ones follow in the same plan.
        let spec = PF.ha(workers: 5, version: "1.32.0")
        let both = rollout.plan(spec)
        let firstStep = Dictionary(both.actions.reversed().compactMap { a in a.instance.map { ($0, a.id) } }, uniquingKeysWith: { _, b in b })
        #expect(["c/worker/0", "c/worker/1", "c/worker/2"].allSatisfy { firstStep[$0]! < firstStep["c/worker/3"]! })
        _ = try rollout.apply(both, spec: spec)
        #expect(rollout.peakInFlight["worker"] == 1)
        #expect(rollout.plan(spec).isConverged)
    }

    @Test func plansAndRecordsDecodeWithoutTheNewFields() throws {
        let plan = Plan(cluster: "c", deferred: [Deferral(instance: "c/m/0", reason: "waiting: 1 of 3 etcd members already down")])
        let data = try JSONEncoder().encode(plan)
        #expect(try JSONDecoder().decode(Plan.self, from: data) == plan)
        let old = try JSONDecoder().decode(Plan.self, from: Data(#"{"cluster":"c","actions":[],"findings":[]}"#.utf8))
        #expect(old.deferred.isEmpty && old.isConverged)
        let record = try JSONDecoder().decode(InstanceRecord.self, from: Data(#"{"id":"c/m/0","group":"m","index":0,"az":"z1"}"#.utf8))
        #expect(record.healRestarts == 0)
        #expect(!Plan(cluster: "c", deferred: plan.deferred).isConverged && Plan(cluster: "c", deferred: plan.deferred).isEmpty)
    }
}

extension BudgetTests {
    @Test func aSilentSurplusVMIsDeletedWithoutAskingItsAgent() throws {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        var sim = PlanSimulator(cluster: "c")
        sim.heartbeat = t0
        sim.observed.observedAt = t0
        _ = try sim.apply(sim.plan(PF.ha(workers: 3)), spec: PF.ha(workers: 3))
        sim.silence("c/worker/2", seconds: 600)
        let plan = sim.plan(PF.ha(workers: 2))
        #expect(plan.actions.filter { $0.instance == "c/worker/2" }.map(\.kind.name) == ["delete-vm", "release-instance"])
    }
}
