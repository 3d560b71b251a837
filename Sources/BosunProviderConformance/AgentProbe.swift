import BosunProvider

/// One agent rule's run: a `ConformanceProbe` for the VMs plus the agent under test.
struct AgentProbe: Sendable {
    let probe: ConformanceProbe
    let agent: any NodeAgent

    private var jobs: [String] { ["kubelet", "etcd"] }

    func run(_ rule: AgentRule) async throws(ConformanceFailure) {
        switch rule {
        case .jobsStart: try await jobsStart()
        case .jobsRestart: try await jobsRestart()
        case .jobsStop: try await jobsStop()
        case .agentMissingVM: try await agentMissingVM()
        case .healthScope: try await healthScope()
        case .configuration: try await configuration()
        }
    }

    private func health(_ cluster: String? = nil) async throws(ConformanceFailure) -> [String: NodeHealth] {
        let cluster = cluster ?? probe.cluster
        return try await probe.call("health(\(cluster))") { try await agent.health(cluster: cluster) }
    }

    private func start(_ vm: VM) async throws(ConformanceFailure) {
        try await probe.call("startJobs(\(vm.id))") { try await agent.startJobs(vmID: vm.id, jobs: jobs) }
    }

    /// Waits until every one of `jobs` on `vm` reports `state`.
    private func waitFor(_ vm: VM, _ state: JobState) async throws(ConformanceFailure) {
        try await probe.eventually("jobs \(jobs) on \(vm.id) \(state.rawValue)") { () async throws(ConformanceFailure) in
            let reported = try await health()[vm.id]?.jobs ?? [:]
            return jobs.allSatisfy { reported[$0] == state }
        }
    }

    private func jobsStart() async throws(ConformanceFailure) {
        let vm = try await probe.runningVM(0)
        try await start(vm)
        try await waitFor(vm, .running)
        try probe.expect(try await health()[vm.id]?.lastHeartbeat != nil, "VM \(vm.id) runs jobs but reports no heartbeat")
        try await start(vm)
        let after = try await health()[vm.id]?.jobs ?? [:]
        try probe.expect(jobs.allSatisfy { after[$0] == .running }, "starting running jobs again left them \(after)")
    }

    private func jobsRestart() async throws(ConformanceFailure) {
        let vm = try await probe.runningVM(0)
        try await start(vm)
        try await waitFor(vm, .running)
        try await probe.call("restartJobs(\(vm.id))") { try await agent.restartJobs(vmID: vm.id, jobs: jobs) }
        try await waitFor(vm, .running)
    }

    private func jobsStop() async throws(ConformanceFailure) {
        let vm = try await probe.runningVM(0)
        try await start(vm)
        try await waitFor(vm, .running)
        try await probe.call("stopJobs(\(vm.id))") { try await agent.stopJobs(vmID: vm.id) }
        let after = try await health()[vm.id]?.jobs ?? [:]
        try probe.expect(!after.values.contains { $0 == .running || $0 == .starting }, "jobs still run after stopJobs returned: \(after)")
        try await probe.call("deleteVM") { try await probe.provider.deleteVM(id: vm.id) }
        try await probe.call("stopJobs of a VM that is gone") { try await agent.stopJobs(vmID: vm.id) }
    }

    private func agentMissingVM() async throws(ConformanceFailure) {
        let vm = try await probe.runningVM(0)
        try await probe.call("deleteVM") { try await probe.provider.deleteVM(id: vm.id) }
        try await probe.expectError("startJobs on a VM that is gone", .terminal, ProviderError.notFound) {
            try await agent.startJobs(vmID: vm.id, jobs: jobs)
        }
        try await probe.expectError("restartJobs on a VM that is gone", .terminal, ProviderError.notFound) {
            try await agent.restartJobs(vmID: vm.id, jobs: jobs)
        }
    }

    private func healthScope() async throws(ConformanceFailure) {
        let mine = try await probe.runningVM(0)
        let otherCluster = probe.cluster + "-other"
        var request = probe.vmRequest(1)
        request.cluster = otherCluster
        request.idempotencyKey = otherCluster + "-vm-1"
        let theirs = try await probe.call("createVM in \(otherCluster)") { [request] in try await probe.provider.createVM(request) }
        try await start(mine)
        try await waitFor(mine, .running)
        let reported = try await health()
        try probe.expect(reported[theirs.id] == nil, "health(\(probe.cluster)) reports \(theirs.id) of \(otherCluster)")
        for (id, health) in reported {
            try probe.expect(health.vmID == id, "health reports \(health.vmID) under the key \(id)")
        }
        try await probe.call("deleteVM") { try await probe.provider.deleteVM(id: theirs.id) }
    }

    /// A configuration for `vm` whose identity is the VM's own, with a property big enough to
    /// need several pieces wherever a provider stores it in pieces, and text that is not ASCII.
    private func config(for vm: VM, hash: String, marker: String) -> NodeConfig {
        let big = String(repeating: "0123456789abcdef", count: 700) + "é✓"
        return NodeConfig(
            identity: NodeIdentity(cluster: vm.cluster, group: vm.group, index: vm.index, az: vm.az, instanceID: vm.instanceID, address: vm.address),
            kubernetesVersion: "1.31.2", jobs: jobs,
            properties: .object(["etcd": .object(["password": .string(marker), "big": .string(big), "port": .int(2379)])]),
            links: [vm.group: [LinkedInstance(index: vm.index, az: vm.az, address: vm.address)]], hash: hash,
            secretPaths: ["/etcd/password"])
    }

    private func configuration() async throws(ConformanceFailure) {
        let created = try await probe.runningVM(0)
        // As listed: the address a provider reports once the VM runs.
        guard let vm = try await probe.vm(created.id) else { throw probe.fail("VM \(created.id) is not listed") }
        let never = try await probe.call("configuration of a VM never configured") { try await agent.configuration(vmID: vm.id) }
        try probe.expect(never == nil, "a VM never configured returned a configuration")
        let first = config(for: vm, hash: "hash-1", marker: "first")
        try await probe.call("configure(\(vm.id))") { try await agent.configure(vmID: vm.id, config: first) }
        let got = try await probe.call("configuration(\(vm.id))") { try await agent.configuration(vmID: vm.id) }
        try probe.expect(got == first, "configuration returned something else than configure handed over")
        let second = config(for: vm, hash: "hash-2", marker: "second")
        try await probe.call("configure(\(vm.id)) again") { try await agent.configure(vmID: vm.id, config: second) }
        let replaced = try await probe.call("configuration(\(vm.id)) again") { try await agent.configuration(vmID: vm.id) }
        try probe.expect(replaced == second, "a second configure did not replace the first")
        try await probe.call("deleteVM") { try await probe.provider.deleteVM(id: vm.id) }
        try await probe.expectError("configure on a VM that is gone", .terminal, ProviderError.notFound) {
            try await agent.configure(vmID: vm.id, config: second)
        }
    }
}
