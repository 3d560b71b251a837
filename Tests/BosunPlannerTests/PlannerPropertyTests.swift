import BosunModel
import BosunPlanner
import BosunProvider
import Testing

/// Properties over random specs, changes and drift (seeded, so a failure names its seed):
/// no action runs before its prerequisites, `maxInFlight` and the etcd quorum guard hold at
/// every step, and applying a plan then planning again gives an empty plan.
@Suite struct PlannerPropertyTests {
    typealias Rng = SplitMix64

    static func randomSpec(_ r: inout Rng) -> ClusterSpec {
        var groups: [GroupSpec] = []
        for g in 0..<r.int(1...3) {
            let etcd = g == 0 && r.bool()
            let update = UpdatePolicy(
                canaries: r.bool() ? .count(r.int(0...2)) : .percent(r.int(0...50)),
                maxInFlight: r.bool() ? .count(r.int(1...4)) : .percent(r.int(1...100)),
                serial: r.bool(), vmStrategy: r.bool() ? .deleteCreate : .createSwapDelete)
            groups.append(PF.group(
                "g\(g)", r.int(0...7), azs: Array(["z1", "z2", "z3"].prefix(r.int(1...3))), vmType: r.pick(["s", "m"]),
                disk: r.bool() ? DiskSpec(sizeMiB: r.pick([512, 1024, 2048]), type: r.pick([nil, "ssd"])) : nil,
                lb: r.bool() ? "lb\(g)" : nil, jobs: etcd ? ["etcd", "kubelet"] : ["kubelet"], update: update))
        }
        return PF.spec(groups, image: r.pick(["i1", "i2"]), version: r.pick(["1.30.0", "1.31.0"]))
    }

    static func mutate(_ spec: ClusterSpec, _ r: inout Rng) -> ClusterSpec {
        var s = spec
        for _ in 0..<r.int(1...3) {
            let g = r.int(0...(s.groups.count - 1))
            switch r.int(0...8) {
            case 0: s.image = s.image == "i1" ? "i2" : "i1"
            case 1: s.kubernetes.version = s.kubernetes.version == "1.30.0" ? "1.31.0" : "1.30.0"
            case 2: s.groups[g].instances = r.int(0...7)
            case 3: s.groups[g].vmType = s.groups[g].vmType == "s" ? "m" : "s"
            case 4: s.groups[g].disk = r.bool() ? DiskSpec(sizeMiB: r.pick([512, 1024, 4096]), type: r.pick([nil, "ssd"])) : nil
            case 5: s.groups[g].loadBalancer = r.bool() ? "lb-x" : nil
            case 6: s.groups[g].azs = Array(["z1", "z2", "z3"].shuffled(using: &r).prefix(r.int(1...3)))
            case 7: s.groups[g].properties = .object(["k": .int(r.int(0...3))])
            default: s.groups[g].update.maxInFlight = .count(r.int(1...3))
            }
        }
        return s
    }

    static func drift(_ sim: inout PlanSimulator, _ r: inout Rng) {
        guard !sim.observed.vms.isEmpty else { return }
        let vm = r.pick(sim.observed.vms)
        switch r.int(0...4) {
        case 0:
            sim.observed.vms.removeAll { $0.id == vm.id }
            for i in sim.observed.disks.indices where sim.observed.disks[i].attachedTo == vm.id { sim.observed.disks[i].attachedTo = nil }
            for lb in sim.observed.members.keys { sim.observed.members[lb]?.remove(vm.id) }
        case 1: sim.observed.vms[sim.observed.vms.firstIndex { $0.id == vm.id }!].state = .stopped
        case 2: for i in sim.observed.disks.indices where sim.observed.disks[i].attachedTo == vm.id { sim.observed.disks[i].attachedTo = nil }
        case 3: for lb in sim.observed.members.keys { sim.observed.members[lb]?.remove(vm.id) }
        default: sim.observed.health[vm.id]?.jobs["kubelet"] = .failed
        }
    }

    func checkInvariants(_ sim: PlanSimulator, _ spec: ClusterSpec, before: ClusterSpec, seed: UInt64) {
        for group in spec.groups {
            let changed = sim.peakInFlight[group.name] ?? 0
            // Widths resolve against the changed (or surplus) count, at most the larger size.
            let previous = before.groups.first { $0.name == group.name }?.instances ?? 0
            let widthCap = group.update.maxInFlight.resolve(total: max(group.instances, previous, 1), minimum: 1)
            #expect(changed <= widthCap, "seed \(seed): \(group.name) in flight \(changed) > \(widthCap)")
            if group.runsEtcd, let down = sim.peakEtcdDown[group.name] {
                #expect(down <= max(1, (group.instances - 1) / 2), "seed \(seed): etcd down \(down) of \(group.instances)")
            }
        }
    }

    @Test(arguments: 0..<150)
    func changeThenReplanIsEmpty(seed: Int) throws {
        var r = Rng(seed: UInt64(seed) &* 7919)
        let spec = Self.randomSpec(&r)
        var sim = PlanSimulator(cluster: "c")
        _ = try sim.apply(sim.plan(spec), spec: spec)
        #expect(sim.plan(spec).isEmpty, "seed \(seed): not converged after create")
        let next = Self.mutate(spec, &r)
        _ = try sim.apply(sim.plan(next), spec: next)
        checkInvariants(sim, next, before: spec, seed: UInt64(seed))
        let again = sim.plan(next)
        #expect(again.isEmpty, "seed \(seed): leftover \(again.actions.map { "\($0.instance ?? "") \($0.kind.name): \($0.reason)" })")
    }

    @Test(arguments: 0..<100)
    func driftThenReplanIsEmpty(seed: Int) throws {
        var r = Rng(seed: UInt64(seed) &* 104_729 &+ 1)
        let spec = Self.randomSpec(&r)
        var sim = PlanSimulator(cluster: "c")
        _ = try sim.apply(sim.plan(spec), spec: spec)
        for _ in 0..<r.int(1...3) { Self.drift(&sim, &r) }
        _ = try sim.apply(sim.plan(spec), spec: spec)
        let again = sim.plan(spec)
        #expect(again.isEmpty, "seed \(seed): leftover \(again.actions.map { "\($0.instance ?? "") \($0.kind.name): \($0.reason)" })")
    }

    @Test(arguments: 0..<50)
    func teardownRemovesEverythingAndKeepsDisks(seed: Int) throws {
        var r = Rng(seed: UInt64(seed) &* 31 &+ 5)
        let spec = Self.randomSpec(&r)
        var sim = PlanSimulator(cluster: "c")
        _ = try sim.apply(sim.plan(spec), spec: spec)
        let disks = sim.observed.disks.count
        _ = try sim.apply(sim.plan(spec, goal: .teardown), spec: spec)
        #expect(sim.observed.vms.isEmpty)
        let noMembers = sim.observed.members.values.allSatisfy { $0.isEmpty }
        #expect(noMembers)
        #expect(sim.observed.disks.count == disks)
        #expect(sim.plan(spec, goal: .teardown).isEmpty)
    }
}

extension SplitMix64 {
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func bool() -> Bool { next() % 2 == 0 }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
}

