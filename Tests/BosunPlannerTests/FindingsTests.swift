import BosunModel
import BosunPlanner
import BosunProvider
import Foundation
import Testing

/// One finding per drift kind, keyed by `(kind, instance, resource)`, stable across passes.
@Suite struct FindingsTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static let spec = PF.spec([
        PF.group("master", 3, disk: DiskSpec(sizeMiB: 1024, type: nil), lb: "api", jobs: ["etcd", "kube-apiserver", "kubelet"]),
        PF.group("worker", 6, disk: DiskSpec(sizeMiB: 1024, type: nil), lb: "apps", jobs: ["kubelet", "kube-proxy"]),
    ])

    /// Every kind of drift at once, each on its own instance.
    static func broken() throws -> PlanSimulator {
        var sim = PlanSimulator(cluster: "c")
        sim.heartbeat = t0
        sim.observed.observedAt = t0
        _ = try sim.apply(sim.plan(spec), spec: spec)
        sim.kill("c/master/0")
        sim.stop("c/master/1")
        sim.fail("c/master/2", job: "kubelet")
        sim.silence("c/worker/0", seconds: 120)
        sim.detachDisk("c/worker/1")
        let lost = sim.observed.disks.first { $0.instanceID == "c/worker/2" }!.id
        sim.observed.disks.removeAll { $0.id == lost }
        sim.deregister("c/worker/3")
        sim.observed.members["other", default: []].insert(sim.vm(of: "c/worker/4")!.id)
        let w5 = sim.observed.vms.firstIndex { $0.instanceID == "c/worker/5" }!
        sim.observed.vms[w5].vmType = "huge"
        sim.observed.vms[w5].image = "img-0"
        sim.observed.vms.append(VM(id: "vm-rogue", cluster: "c", group: "x", index: 0, instanceID: "", az: "z1", vmType: "t", image: "i",
                                   state: .running, idempotencyKey: "not-ours"))
        return sim
    }

    @Test func everyKindIsReportedOnceWithWhatWasSeen() throws {
        var sim = try Self.broken()
        let plan = sim.plan(Self.spec)
        // Every kind observation finds; certificate-expiring comes from the credentials store
        // (the reconciler adds it, `RotationTests`).
        #expect(Set(plan.findings.map(\.kind)) == Set(Finding.Kind.allCases).subtracting([.certificateExpiring]))
        let keys = plan.findings.map { "\($0.kind.rawValue) \($0.instance ?? "-") \($0.resource)" }
        #expect(Set(keys).count == keys.count, "one per (kind, instance, resource)")
        let byKind = Dictionary(grouping: plan.findings, by: \.kind)
        let m2 = sim.vm(of: "c/master/2")!.id
        #expect(byKind[.jobFailed]?.map(\.resource) == [m2])
        #expect(byKind[.jobFailed]?.first?.message == "jobs not running on VM \(m2) of c/master/2: kubelet (failed)")
        #expect(byKind[.vmMissing]?.first?.instance == "c/master/0")
        #expect(byKind[.vmStopped]?.first?.instance == "c/master/1")
        #expect(byKind[.agentSilent]?.first?.instance == "c/worker/0")
        #expect(byKind[.diskDetached]?.first?.instance == "c/worker/1")
        #expect(byKind[.diskMissing]?.first?.instance == "c/worker/2")
        #expect(byKind[.lbMemberMissing]?.map(\.resource) == ["apps"])
        #expect(byKind[.lbMemberMissing]?.first?.instance == "c/worker/3")
        #expect(byKind[.lbMemberExtra]?.map(\.resource) == ["other"])
        #expect(byKind[.vmWrongType]?.first?.message.contains("huge; the spec says small") == true)
        #expect(byKind[.vmWrongImage]?.first?.message.contains("img-0; the spec says img-1") == true)
        #expect(byKind[.rogueVM]?.map(\.resource) == ["vm-rogue"])
        #expect(Finding.Kind.diskMissing.rawValue == "disk-missing" && Finding.Kind.rogueVM.rawValue == "rogue-vm")
        #expect(Finding.Kind.allCases.filter(\.isHealable).count == 7)

        // Stable: the same findings on the next pass, and in suppressed mode.
        #expect(sim.plan(Self.spec).findings == plan.findings)
        #expect(sim.plan(Self.spec, healing: .suppressed(reason: "meltdown")).findings == plan.findings)
    }

    @Test func unhealthyInstancesCountWhatTheMeltdownCounts() throws {
        let sim = try Self.broken()
        let unhealthy = Planner.unhealthyInstances(cluster: "c", desired: Self.spec, observed: sim.observed, recorded: sim.recorded)
        // LB membership and a wrong type or image do not make an instance unhealthy.
        #expect(unhealthy == ["c/master/0", "c/master/1", "c/master/2", "c/worker/0", "c/worker/1", "c/worker/2"])
        // Instances never created are not unhealthy: a scale-up is not a meltdown.
        var bigger = Self.spec
        bigger.groups[1].instances = 20
        #expect(Planner.unhealthyInstances(cluster: "c", desired: bigger, observed: sim.observed, recorded: sim.recorded) == unhealthy)
    }

    @Test func healingFixesEverythingButTheLostDisk() throws {
        var sim = try Self.broken()
        var spec = Self.spec
        spec.healing.deleteRogue = true
        // maxInFlight 1: the instance with the lost disk stays down, so no healthy worker may
        // go down for the wrong type: that recreate waits (everything else heals).
        var one = sim
        #expect(try one.converge(spec) == nil)
        #expect(one.plan(spec).deferred.map(\.reason)
            == ["waiting: 1 instance of group worker already unhealthy (maxInFlight 1) (recreate: image img-0 → img-1; vmType huge → small)"])
        #expect(one.quorumLosses.isEmpty, "\(one.quorumLosses)")
        // maxInFlight 2 leaves room for it.
        spec.groups[1].update.maxInFlight = .count(2)
        #expect(try sim.converge(spec) != nil)
        let left = sim.plan(spec)
        #expect(left.actions.isEmpty && left.deferred.isEmpty)
        #expect(left.findings.map(\.kind) == [.diskMissing], "the lost disk is reported, never replaced")
        #expect(sim.quorumLosses.isEmpty, "\(sim.quorumLosses)")
    }
}
