import BosunModel
import BosunPlanner
import Testing

/// What the configuration hash covers: credential versions of the referenced credentials, and
/// an etcd group's peers; never what a group does not reference.
@Suite struct ConfigHashTests {
    static func credentialed() -> ClusterSpec {
        var spec = PF.ha()
        spec.variables = [VariableSpec(name: "pw", type: .password), VariableSpec(name: "other", type: .password)]
        spec.groups[1].properties = .object(["kubelet": .object(["password": .string("((pw))")])])
        return spec
    }

    @Test func aNewVersionOfAReferencedCredentialChangesOnlyTheGroupsThatReferenceIt() {
        let spec = Self.credentialed()
        let master = spec.groups[0], worker = spec.groups[1]
        let before = JobsConfig.hash(spec, worker, credentials: ["pw": "v1", "other": "v1"])
        #expect(JobsConfig.hash(spec, worker, credentials: ["pw": "v2", "other": "v1"]) != before)
        #expect(JobsConfig.hash(spec, worker, credentials: ["pw": "v1", "other": "v7"]) == before, "not referenced")
        #expect(JobsConfig.hash(spec, master, credentials: ["pw": "v1"]) == JobsConfig.hash(spec, master, credentials: ["pw": "v9"]))
    }

    @Test func aRotatedCredentialRollsOutUnderTheGroupsUpdatePolicy() throws {
        let spec = Self.credentialed()
        var sim = PlanSimulator(cluster: "c")
        sim.recorded.credentialTokens = ["pw": "v1", "other": "v1"]
        _ = try sim.apply(sim.plan(spec), spec: spec)
        #expect(sim.plan(spec).isEmpty)
        sim.recorded.credentialTokens["pw"] = "v2"
        let plan = sim.plan(spec)
        let restarted = Set(plan.actions.filter { if case .restartJobs = $0.kind { true } else { false } }.compactMap(\.instance))
        #expect(restarted == Set((0..<5).map { "c/worker/\($0)" }), "\(restarted)")
        sim.recorded.credentialTokens["other"] = "v5"
        _ = try sim.apply(plan, spec: spec)
        #expect(sim.plan(spec).isEmpty, "an unreferenced credential restarts nothing")
    }

    @Test func etcdPeersAreCoveredButOtherGroupsScaleWithoutRestartingAnyone() {
        let spec = PF.ha()
        var grown = spec
        grown.groups[1].instances = 9
        #expect(JobsConfig.hash(spec, spec.groups[1]) == JobsConfig.hash(grown, grown.groups[1]), "workers have no peer list in the hash")
        #expect(JobsConfig.hash(spec, spec.groups[0]) == JobsConfig.hash(grown, grown.groups[0]))
        var masters = spec
        masters.groups[0].instances = 5
        #expect(JobsConfig.hash(spec, spec.groups[0]) != JobsConfig.hash(masters, masters.groups[0]), "etcd peers changed")
    }
}
