import BosunModel
import BosunPlanner
import BosunProvider
import Testing

/// Disks come back with their instance: an orphaned disk of the same identity is re-attached
/// instead of creating an empty one, when it fits.
@Suite struct DiskReadoptionTests {
    static let disk = DiskSpec(sizeMiB: 1024, type: nil)

    @Test func scaleBackUpReattachesTheOrphanedDisks() throws {
        let big = PF.spec([PF.group("w", 4, disk: Self.disk)])
        let small = PF.spec([PF.group("w", 2, disk: Self.disk)])
        var sim = try PF.converged(big)
        let before = Dictionary(uniqueKeysWithValues: sim.observed.disks.map { ($0.instanceID, $0.id) })
        _ = try sim.apply(sim.plan(small), spec: small)
        #expect(sim.recorded.orphanedDisks.count == 2)
        let plan = sim.plan(big)
        #expect(!plan.actions.contains { $0.kind.name == "create-disk" }, "no empty disk while an orphan of the identity exists")
        let attach = plan.actions.filter { $0.kind.name == "attach-disk" }
        #expect(Set(attach.map(\.kind)) == [.attachDisk(diskID: before["c/w/2"]!), .attachDisk(diskID: before["c/w/3"]!)])
        #expect(plan.actions.first { $0.instance == "c/w/2" }?.reason.contains("re-adopting its orphaned disk") == true)
        _ = try sim.apply(plan, spec: big)
        #expect(sim.recorded.orphanedDisks.isEmpty)
        #expect(sim.plan(big).isEmpty)
    }

    @Test func teardownThenReturnReusesEveryDisk() throws {
        var sim = try PF.converged(PF.ha())
        let disks = Set(sim.observed.disks.map(\.id))
        _ = try sim.apply(sim.plan(PF.ha(), goal: .teardown), spec: PF.ha())
        #expect(sim.observed.vms.isEmpty)
        #expect(sim.plan(PF.ha(), goal: .teardown).isEmpty, "orphans are not re-adopted by a teardown")
        let plan = sim.plan(PF.ha())
        #expect(!plan.actions.contains { $0.kind.name == "create-disk" })
        _ = try sim.apply(plan, spec: PF.ha())
        #expect(Set(sim.observed.disks.map(\.id)) == disks)
        #expect(Set(sim.observed.disks.compactMap(\.attachedTo)).count == 3)
    }

    @Test func grownWhenTheSpecAsksForMore() throws {
        let spec = PF.spec([PF.group("w", 1, disk: Self.disk)])
        var sim = try PF.converged(spec)
        _ = try sim.apply(sim.plan(spec, goal: .teardown), spec: spec)
        let bigger = PF.spec([PF.group("w", 1, disk: DiskSpec(sizeMiB: 4096, type: nil))])
        let plan = sim.plan(bigger)
        #expect(plan.actions.map(\.kind.name) == ["create-vm", "resize-disk", "attach-disk", "start-jobs", "wait-healthy"])
    }

    @Test func aTypeChangeOrALargerOrphanMakesANewDiskAndLeavesTheOrphan() throws {
        let spec = PF.spec([PF.group("w", 1, disk: Self.disk)])
        var sim = try PF.converged(spec)
        _ = try sim.apply(sim.plan(spec, goal: .teardown), spec: spec)
        let orphan = try #require(sim.recorded.orphanedDisks.first)
        for changed in [
            PF.spec([PF.group("w", 1, disk: DiskSpec(sizeMiB: 1024, type: "ssd"))]),
            PF.spec([PF.group("w", 1, disk: DiskSpec(sizeMiB: 512, type: nil))]),
        ] {
            let plan = sim.plan(changed)
            #expect(plan.actions.map(\.kind.name) == ["create-vm", "create-disk", "attach-disk", "start-jobs", "wait-healthy"])
            #expect(!plan.actions.contains { $0.kind == .orphanDisk(diskID: orphan) }, "the orphan is left as it is")
        }
    }

    @Test func anotherInstancesOrphanIsNeverTaken() throws {
        let spec = PF.spec([PF.group("w", 2, disk: Self.disk)])
        var sim = try PF.converged(spec)
        let one = PF.spec([PF.group("w", 1, disk: Self.disk)])
        _ = try sim.apply(sim.plan(one), spec: one)
        let orphan = try #require(sim.recorded.orphanedDisks.first)
        // c/w/1's disk is orphaned; a new group "x" must not take it.
        let other = PF.spec([PF.group("w", 1, disk: Self.disk), PF.group("x", 2, disk: Self.disk)])
        let plan = sim.plan(other)
        #expect(!plan.actions.contains { $0.kind == .attachDisk(diskID: orphan) })
    }
}
