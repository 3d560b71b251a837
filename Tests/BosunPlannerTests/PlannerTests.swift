import BosunModel
import BosunPlanner
import BosunProvider
import Testing

@Suite struct PlannerTests {
    @Test func emptyWorldCreatesEveryInstanceInParallel() throws {
        var sim = PlanSimulator(cluster: "c")
        let plan = sim.plan(PF.ha())
        #expect(plan.instances.count == 8)
        // Every creation chain starts with no prerequisites: creation carries no availability risk.
        let creates = plan.actions.filter { if case .createVM = $0.kind { true } else { false } }
        #expect(creates.count == 8)
        #expect(creates.allSatisfy { $0.dependsOn.isEmpty })
        let master = plan.actions.filter { $0.instance == "c/master/0" }.map(\.kind.name)
        #expect(master == ["create-vm", "create-disk", "attach-disk", "start-jobs", "wait-healthy", "register-lb"])
        let worker = plan.actions.filter { $0.instance == "c/worker/0" }.map(\.kind.name)
        #expect(worker == ["create-vm", "start-jobs", "wait-healthy"])
        #expect(plan.actions.allSatisfy { $0.reason == "instance missing" })
    }

    @Test func anEtcdMemberStartsOnlyOnceEveryPeerCreatedWithItHasAVM() throws {
        var sim = PlanSimulator(cluster: "c")
        let plan = sim.plan(PF.ha())
        func id(_ instance: String, _ kind: String) -> Int {
            plan.actions.first { $0.instance == instance && $0.kind.name == kind }!.id
        }
        let masterVMs = Set((0..<3).map { id("c/master/\($0)", "create-vm") })
        for m in 0..<3 {
            let start = plan.actions[id("c/master/\(m)", "start-jobs")]
            // Its own attach-disk, and the other two members' VMs: their addresses go into its
            // configuration as peers.
            #expect(Set(start.dependsOn) == masterVMs.subtracting([id("c/master/\(m)", "create-vm")]).union([id("c/master/\(m)", "attach-disk")]))
        }
        // Workers run no etcd: nothing of theirs waits for another instance.
        for w in 0..<5 {
            #expect(plan.actions[id("c/worker/\(w)", "start-jobs")].dependsOn == [id("c/worker/\(w)", "create-vm")])
        }
        // Still numbered after everything it waits for.
        #expect(plan.actions.allSatisfy { a in a.dependsOn.allSatisfy { $0 < a.id } })
    }

    @Test func convergedClusterGivesEmptyPlan() throws {
        var sim = try PF.converged(PF.ha())
        #expect(sim.plan(PF.ha()).isEmpty)
    }

    @Test func instancesSpreadEvenlyAndStickyOverAZs() throws {
        var sim = try PF.converged(PF.ha(workers: 5))
        let azs = sim.observed.vms.filter { $0.group == "worker" }.sorted { $0.index < $1.index }.map(\.az)
        #expect(azs == ["z1", "z2", "z3", "z1", "z2"])
        // Scale to 8: existing keep their AZ, new ones fill the least loaded.
        _ = try sim.apply(sim.plan(PF.ha(workers: 8)), spec: PF.ha(workers: 8))
        let after = sim.observed.vms.filter { $0.group == "worker" }.sorted { $0.index < $1.index }.map(\.az)
        #expect(Array(after.prefix(5)) == azs)
        #expect(Dictionary(grouping: after, by: { $0 }).mapValues(\.count) == ["z1": 3, "z2": 3, "z3": 2])
    }

    @Test func removedAZMovesOnlyItsInstances() throws {
        var sim = try PF.converged(PF.spec([PF.group("w", 3)]))
        let plan = sim.plan(PF.spec([PF.group("w", 3, azs: ["z1", "z2"])]))
        #expect(plan.instances == ["c/w/2"])
        #expect(plan.actions.first?.reason.contains("AZ z3 removed") == true)
    }

    @Test func scaleDownRemovesHighestIndexesAndOrphansDisks() throws {
        let big = PF.spec([PF.group("w", 5, disk: DiskSpec(sizeMiB: 1024, type: nil), lb: "lb")])
        var sim = try PF.converged(big)
        let small = PF.spec([PF.group("w", 2, disk: DiskSpec(sizeMiB: 1024, type: nil), lb: "lb")])
        let plan = sim.plan(small)
        #expect(plan.instances == ["c/w/4", "c/w/3", "c/w/2"], "highest index first")
        #expect(plan.actions.filter { $0.instance == "c/w/4" }.map(\.kind.name)
            == ["deregister-lb", "stop-jobs", "detach-disk", "delete-vm", "orphan-disk", "release-instance"])
        _ = try sim.apply(plan, spec: small)
        #expect(sim.observed.vms.count == 2)
        #expect(sim.recorded.orphanedDisks.count == 3)
        #expect(sim.observed.disks.count == 5, "orphaned disks are kept")
        #expect(sim.plan(small).isEmpty)
    }

    @Test func imageChangeRecreatesKeepingTheDisk() throws {
        var sim = try PF.converged(PF.ha())
        let diskBefore = sim.observed.disks.first { $0.instanceID == "c/master/0" }!.id
        let plan = sim.plan(PF.ha(image: "img-2"))
        let m0 = plan.actions.filter { $0.instance == "c/master/0" }.map(\.kind.name)
        #expect(m0 == ["deregister-lb", "stop-jobs", "detach-disk", "delete-vm", "create-vm", "attach-disk", "start-jobs", "wait-healthy", "register-lb"])
        #expect(plan.actions.first { $0.instance == "c/master/0" }!.reason.hasPrefix("recreate: image img-1 → img-2"))
        _ = try sim.apply(plan, spec: PF.ha(image: "img-2"))
        #expect(sim.observed.disks.first { $0.instanceID == "c/master/0" }!.id == diskBefore)
        #expect(sim.observed.disks.filter { $0.instanceID == "c/master/0" }.count == 1)
        #expect(sim.plan(PF.ha(image: "img-2")).isEmpty)
    }

    @Test func createSwapDeleteCreatesFirst() throws {
        let strategy = UpdatePolicy(canaries: .count(1), maxInFlight: .count(1), serial: true, vmStrategy: .createSwapDelete)
        var sim = try PF.converged(PF.ha(workerUpdate: strategy))
        let plan = sim.plan(PF.ha(workerUpdate: strategy, workerType: "xlarge"))
        let w0 = plan.actions.filter { $0.instance == "c/worker/0" }.map(\.kind.name)
        #expect(w0.first == "create-vm")
        #expect(w0.last == "delete-vm")
    }

    @Test func versionChangeRestartsWithoutRecreating() throws {
        var sim = try PF.converged(PF.ha())
        let plan = sim.plan(PF.ha(version: "1.32.0"))
        #expect(!plan.actions.contains { if case .createVM = $0.kind { true } else { false } })
        #expect(plan.actions.filter { $0.instance == "c/worker/0" }.map(\.kind.name) == ["restart-jobs", "wait-healthy"])
        #expect(plan.actions.filter { $0.instance == "c/master/0" }.map(\.kind.name) == ["deregister-lb", "restart-jobs", "wait-healthy", "register-lb"])
    }

    @Test func propertiesChangeRestartsOnlyThatGroup() throws {
        var sim = try PF.converged(PF.ha())
        var spec = PF.ha()
        spec.groups[1].properties = .object(["kubelet": .object(["max-pods": .int(50)])])
        let plan = sim.plan(spec)
        #expect(Set(plan.actions.compactMap(\.group)) == ["worker"])
    }

    @Test func diskGrowsInPlaceAndShrinkSwaps() throws {
        var sim = try PF.converged(PF.ha(diskMiB: 5120))
        let grow = sim.plan(PF.ha(diskMiB: 10240))
        #expect(Set(grow.actions.map(\.kind.name)) == ["resize-disk"])
        #expect(grow.actions.count == 3)
        _ = try sim.apply(grow, spec: PF.ha(diskMiB: 10240))
        #expect(sim.plan(PF.ha(diskMiB: 10240)).isEmpty)
        let shrink = sim.plan(PF.ha(diskMiB: 1024))
        let m0 = shrink.actions.filter { $0.instance == "c/master/0" }.map(\.kind.name)
        #expect(m0 == ["deregister-lb", "stop-jobs", "detach-disk", "create-disk", "attach-disk", "start-jobs", "wait-healthy", "orphan-disk", "register-lb"])
        #expect(!shrink.actions.contains { if case .createVM = $0.kind { true } else { false } }, "a disk change never recreates the VM")
    }

    @Test func loadBalancerOnlyChangeRegisters() throws {
        var sim = try PF.converged(PF.spec([PF.group("w", 2)]))
        let plan = sim.plan(PF.spec([PF.group("w", 2, lb: "new")]))
        #expect(plan.actions.map(\.kind) == [.register(lb: "new"), .register(lb: "new")])
        _ = try sim.apply(plan, spec: PF.spec([PF.group("w", 2, lb: "new")]))
        let off = sim.plan(PF.spec([PF.group("w", 2)]))
        #expect(off.actions.map(\.kind.name) == ["deregister-lb", "deregister-lb"])
    }

    @Test func missingVMIsRecreatedWithSameIdentityAndDisk() throws {
        var sim = try PF.converged(PF.ha())
        let vm = sim.observed.vms.first { $0.instanceID == "c/master/1" }!
        let disk = sim.observed.disks.first { $0.instanceID == "c/master/1" }!
        sim.observed.vms.removeAll { $0.id == vm.id }
        sim.observed.disks = sim.observed.disks.map { var d = $0; if d.attachedTo == vm.id { d.attachedTo = nil }; return d }
        sim.observed.members["api"]?.remove(vm.id)
        let plan = sim.plan(PF.ha())
        #expect(plan.instances == ["c/master/1"])
        #expect(plan.actions.map(\.kind.name) == ["create-vm", "attach-disk", "start-jobs", "wait-healthy", "register-lb"])
        #expect(plan.actions[1].kind == .attachDisk(diskID: disk.id))
    }

    @Test func lostDiskIsReportedNotReplaced() throws {
        var sim = try PF.converged(PF.ha())
        let disk = sim.observed.disks.first { $0.instanceID == "c/master/2" }!
        sim.observed.disks.removeAll { $0.id == disk.id }
        let plan = sim.plan(PF.ha())
        #expect(plan.isEmpty)
        // Issue 8 renamed the kind "disk-lost" to "disk-missing".
        #expect(plan.findings.map(\.kind) == [.diskMissing])
    }

    @Test func rogueVMIsReportedNotDeleted() throws {
        var sim = try PF.converged(PF.ha())
        sim.observed.vms.append(VM(id: "vm-rogue", cluster: "c", group: "x", index: 0, instanceID: "", az: "z1", vmType: "t", image: "i", state: .running, idempotencyKey: "not-ours"))
        let plan = sim.plan(PF.ha())
        #expect(plan.isEmpty)
        #expect(plan.findings.map(\.resource) == ["vm-rogue"])
    }

    @Test func stoppedVMIsStartedAndFailedJobRestarted() throws {
        var sim = try PF.converged(PF.ha())
        let w0 = sim.observed.vms.firstIndex { $0.instanceID == "c/worker/0" }!
        sim.observed.vms[w0].state = .stopped
        let w1 = sim.observed.vms.first { $0.instanceID == "c/worker/1" }!
        sim.observed.health[w1.id]!.jobs["kubelet"] = .failed
        let plan = sim.plan(PF.ha())
        #expect(plan.actions.filter { $0.instance == "c/worker/0" }.map(\.kind.name) == ["start-vm", "start-jobs", "wait-healthy"])
        #expect(plan.actions.filter { $0.instance == "c/worker/1" }.map(\.kind.name) == ["restart-jobs", "wait-healthy"])
        #expect(plan.actions.first { $0.instance == "c/worker/1" }!.reason == "job kubelet not running")
    }

    @Test func teardownDeregistersFirstThenWorkersThenMasters() throws {
        var sim = try PF.converged(PF.ha())
        let plan = sim.plan(PF.ha(), goal: .teardown)
        let deregs = plan.actions.filter { if case .deregister = $0.kind { true } else { false } }
        #expect(deregs.count == 3)
        #expect(deregs.allSatisfy { $0.dependsOn.isEmpty })
        let firstWorkerStop = plan.actions.first { $0.group == "worker" && $0.kind.name == "stop-jobs" }!
        #expect(Set(firstWorkerStop.dependsOn) == Set(deregs.map(\.id)))
        let masterStop = plan.actions.first { $0.group == "master" && $0.kind.name == "stop-jobs" }!
        let workerEnds = plan.actions.filter { $0.group == "worker" && $0.kind.name == "release-instance" }.map(\.id)
        #expect(Set(masterStop.dependsOn) == Set(workerEnds))
        _ = try sim.apply(plan, spec: PF.ha())
        #expect(sim.observed.vms.isEmpty)
        #expect(sim.recorded.instances.isEmpty)
        #expect(sim.recorded.orphanedDisks.count == 3)
        #expect(sim.plan(PF.ha(), goal: .teardown).isEmpty)
    }
}
