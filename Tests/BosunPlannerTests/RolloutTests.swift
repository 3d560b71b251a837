import BosunModel
import BosunPlanner
import Testing

@Suite struct RolloutTests {
    func batches(_ plan: PlanSimulator, _ p: Plan, group: String) -> [[Int]] {
        // The first action of each instance's chain and what it waits for, as instance batches.
        var firstByInstance: [String: PlannedAction] = [:]
        for a in p.actions where a.group == group && firstByInstance[a.instance!] == nil { firstByInstance[a.instance!] = a }
        let grouped = Dictionary(grouping: firstByInstance.values, by: { $0.dependsOn })
        return grouped.values.map { $0.map(\.index!).sorted() }.sorted { ($0.first ?? 0, $0.count) < ($1.first ?? 0, $1.count) }
    }

    @Test func canaryFirstThenBatchesOfMaxInFlight() throws {
        let update = UpdatePolicy(canaries: .count(1), maxInFlight: .count(2), serial: true, vmStrategy: .deleteCreate)
        var sim = try PF.converged(PF.ha(workers: 7, workerUpdate: update))
        let plan = sim.plan(PF.ha(workers: 7, version: "1.32.0", workerUpdate: update))
        let workerActions = plan.actions.filter { $0.group == "worker" }
        #expect(workerActions.filter(\.canary).map(\.instance!).uniqued() == ["c/worker/0"])
        let (_, _) = try sim.apply(plan, spec: PF.ha(workers: 7, version: "1.32.0", workerUpdate: update))
        #expect(sim.peakInFlight["worker"] == 2)
    }

    @Test func percentagesRoundDownButNeverBelowOne() throws {
        let update = UpdatePolicy(canaries: .percent(10), maxInFlight: .percent(40), serial: true, vmStrategy: .deleteCreate)
        var sim = try PF.converged(PF.ha(workers: 5, workerUpdate: update))
        let spec = PF.ha(workers: 5, version: "1.32.0", workerUpdate: update)
        let plan = sim.plan(spec)
        // 10 % of 5 rounds to 0 canaries; 40 % of 5 is 2 in flight.
        #expect(!plan.actions.contains { $0.group == "worker" && $0.canary })
        _ = try sim.apply(plan, spec: spec)
        #expect(sim.peakInFlight["worker"] == 2)
        let one = UpdatePolicy(canaries: .count(0), maxInFlight: .percent(1), serial: true, vmStrategy: .deleteCreate)
        var sim2 = try PF.converged(PF.ha(workers: 5, workerUpdate: one))
        _ = try sim2.apply(sim2.plan(PF.ha(workers: 5, version: "1.33.0", workerUpdate: one)), spec: PF.ha(workers: 5, version: "1.33.0", workerUpdate: one))
        #expect(sim2.peakInFlight["worker"] == 1)
    }

    @Test func quorumGuardCapsEtcdGroupWhateverMaxInFlightSays() throws {
        var spec = PF.ha(masters: 5)
        spec.groups[0].update.maxInFlight = .count(5)
        var sim = try PF.converged(spec)
        var changed = spec
        changed.kubernetes.version = "1.32.0"
        _ = try sim.apply(sim.plan(changed), spec: changed)
        #expect(sim.peakEtcdDown["master"] == 2, "(5-1)/2 = 2 members at most")
        var three = PF.ha(masters: 3)
        three.groups[0].update.maxInFlight = .count(3)
        var sim3 = try PF.converged(three)
        var changed3 = three
        changed3.image = "img-9"
        _ = try sim3.apply(sim3.plan(changed3), spec: changed3)
        #expect(sim3.peakEtcdDown["master"] == 1)
    }

    @Test func batchesAreRoundRobinOverAZs() {
        #expect(Placement.interleave([(0, "z1"), (1, "z2"), (2, "z3"), (3, "z1"), (4, "z2"), (5, "z1")], azs: ["z1", "z2", "z3"]) == [0, 1, 2, 3, 4, 5])
        #expect(Placement.interleave([(0, "z1"), (3, "z1"), (6, "z1"), (1, "z2")], azs: ["z1", "z2"]) == [0, 1, 3, 6])
    }

    @Test func serialGroupsWaitNonSerialRollTogether() throws {
        let parallel = UpdatePolicy(canaries: .count(0), maxInFlight: .count(10), serial: false, vmStrategy: .deleteCreate)
        let spec = PF.spec([
            PF.group("a", 2, update: parallel), PF.group("b", 2, update: parallel), PF.group("c", 2),
        ])
        var sim = try PF.converged(spec)
        var changed = spec
        changed.image = "img-2"
        let plan = sim.plan(changed)
        let firstA = plan.actions.first { $0.group == "a" }!
        let firstB = plan.actions.first { $0.group == "b" }!
        let firstC = plan.actions.first { $0.group == "c" }!
        #expect(firstA.dependsOn == firstB.dependsOn, "consecutive non-serial groups start together")
        let lastOfAB = plan.actions.filter { $0.group == "a" || $0.group == "b" }.filter { a in !plan.actions.contains { $0.dependsOn.contains(a.id) && $0.instance == a.instance } }.map(\.id)
        #expect(Set(firstC.dependsOn) == Set(lastOfAB), "a serial group waits for everything before it")
    }

    @Test func failedCanaryStopsItsGroupAndLaterSerialGroups() throws {
        var sim = try PF.converged(PF.ha())
        let spec = PF.ha(version: "1.32.0")
        let plan = sim.plan(spec)
        let canaryWait = plan.actions.first { $0.canary && $0.group == "master" && $0.kind.name == "wait-healthy" }!
        let (done, _) = try sim.apply(plan, spec: spec, failing: [canaryWait.id])
        let touched = Set(plan.actions.filter { done.contains($0.id) }.compactMap(\.instance))
        #expect(touched == ["c/master/0"], "no other master and no worker was touched")
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}
