import BosunModel
import BosunPlanner
import BosunProvider
import Foundation
import Testing

/// Issue 8's property: whatever mix of drift and spec changes went in, in every wave of the
/// simulated execution, if a quorum of etcd members was healthy before the wave, a quorum is still
/// healthy after it; and planning again and again converges. Seeded: a failure names its seed.
@Suite struct HealingPropertyTests {
    typealias Rng = SplitMix64
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func update(_ r: inout Rng, upTo n: Int) -> UpdatePolicy {
        UpdatePolicy(
            canaries: .count(r.int(0...1)), maxInFlight: r.bool() ? .count(r.int(1...max(1, n))) : .percent(r.pick([20, 50, 100])),
            serial: r.bool(), vmStrategy: r.bool() ? .deleteCreate : .createSwapDelete)
    }

    static func spec(_ r: inout Rng) -> ClusterSpec {
        let masters = r.pick([3, 5]), workers = r.int(0...5)
        return PF.spec([
            PF.group("master", masters, disk: DiskSpec(sizeMiB: 1024, type: nil), lb: "api",
                     jobs: ["etcd", "kube-apiserver", "kubelet"], update: update(&r, upTo: masters)),
            PF.group("worker", workers, vmType: "large", disk: r.bool() ? DiskSpec(sizeMiB: 512, type: nil) : nil, lb: r.bool() ? "apps" : nil,
                     jobs: ["kubelet", "kube-proxy"], update: update(&r, upTo: workers)),
        ], image: r.pick(["i1", "i2"]), version: r.pick(["1.30.0", "1.31.0"]))
    }

    /// Spec changes: image, version, vmType, scale (masters between 3 and 5).
    static func change(_ spec: ClusterSpec, _ r: inout Rng) -> ClusterSpec {
        var s = spec
        for _ in 0..<r.int(0...2) {
            switch r.int(0...4) {
            case 0: s.image = s.image == "i1" ? "i2" : "i1"
            case 1: s.kubernetes.version = s.kubernetes.version == "1.30.0" ? "1.31.0" : "1.30.0"
            case 2: s.groups[r.int(0...1)].vmType = r.pick(["small", "large", "xlarge"])
            case 3: s.groups[0].instances = s.groups[0].instances == 3 ? 5 : 3
            default: s.groups[1].instances = r.int(0...6)
            }
        }
        return s
    }

    /// Drift: stop, kill, fail etcd or kubelet (sometimes with its restarts used up), detach,
    /// deregister, silence an agent. At most one agent is silenced: two silent etcd members are
    /// a deliberate stop (either may still run etcd while the other is down, so recreating one
    /// could lose the quorum), which `HealingTests` covers.
    static func drift(_ sim: inout PlanSimulator, _ r: inout Rng, silenced: inout Bool) -> String {
        let instances = sim.recorded.instances.map(\.id).sorted()
        guard !instances.isEmpty else { return "" }
        let i = r.pick(instances)
        switch r.int(0...7) {
        case 0: sim.stop(i); return "stop \(i)"
        case 1: sim.kill(i); return "kill \(i)"
        case 2: sim.fail(i, job: "etcd"); return "fail etcd \(i)"
        case 3: sim.fail(i, job: "kubelet"); return "fail kubelet \(i)"
        case 4:
            sim.fail(i, job: "kubelet")
            sim.setHealRestarts(i, 3)
            return "fail kubelet after 3 restarts \(i)"
        case 5: sim.detachDisk(i); return "detach \(i)"
        case 6 where !silenced:
            silenced = true
            sim.silence(i, seconds: 300)
            return "silence \(i)"
        default: sim.deregister(i); return "deregister \(i)"
        }
    }

    static func broken(seed: Int) throws -> (PlanSimulator, ClusterSpec, String) {
        var r = Rng(seed: UInt64(seed) &* 6_364_136_223 &+ 17)
        let spec = Self.spec(&r)
        var sim = PlanSimulator(cluster: "c")
        sim.heartbeat = t0
        sim.observed.observedAt = t0
        _ = try sim.apply(sim.plan(spec), spec: spec)
        var what: [String] = []
        var silenced = false
        for _ in 0..<r.int(1...4) { what.append(drift(&sim, &r, silenced: &silenced)) }
        let next = change(spec, &r)
        return (sim, next, "seed \(seed): \(what.joined(separator: ", ")); masters \(spec.groups[0].instances) → \(next.groups[0].instances)")
    }

    @Test(arguments: 0..<200)
    func quorumHoldsInEveryWaveAndPlanningConverges(seed: Int) throws {
        var (sim, spec, what) = try Self.broken(seed: seed)
        let passes = try sim.converge(spec, passes: 8)
        #expect(passes != nil, "\(what): not converged; left \(sim.plan(spec).actions.map { "\($0.instance ?? "-") \($0.kind.name)" }) deferred \(sim.plan(spec).deferred)")
        #expect(sim.quorumLosses.isEmpty, "\(what): \(sim.quorumLosses)")
        let last = sim.plan(spec)
        #expect(last.isConverged && last.findings.isEmpty, "\(what): \(last.findings.map(\.message))")
    }

    @Test(arguments: 0..<100)
    func suppressedHealsNothingAndKeepsQuorum(seed: Int) throws {
        var (sim, spec, what) = try Self.broken(seed: seed)
        let plan = sim.plan(spec, healing: .suppressed(reason: "meltdown"))
        let drifted = Set(plan.findings.filter(\.kind.isHealable).compactMap(\.instance))
        let touched = Set(plan.instances).intersection(drifted)
        #expect(touched.isEmpty, "\(what): healed \(touched) while suppressed")
        _ = try sim.apply(plan, spec: spec)
        #expect(sim.quorumLosses.isEmpty, "\(what): \(sim.quorumLosses)")
    }
}
