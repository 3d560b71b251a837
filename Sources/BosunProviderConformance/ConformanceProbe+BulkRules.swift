import BosunProvider
import Foundation

/// The rule about bulk observation (`InventoryProvider`): one sweep over every cluster reports,
/// for each cluster, what the per-cluster calls report.
extension ConformanceProbe {
    /// Four clusters: A (this rule's) with a running VM and its attached disk, a stopped VM and
    /// a detached disk, in two load balancers of which one is asked for; B with one VM in the
    /// same load balancer; C with only a detached disk and no VM; D with nothing. When the
    /// provider is also the agent, A's and B's running VMs run jobs, so health is compared too.
    func bulkObservation() async throws(ConformanceFailure) {
        guard let bulk = provider as? any InventoryProvider else {
            throw fail("the provider does not adopt InventoryProvider, so the drift sweep must observe it cluster by cluster")
        }
        let (b, c, d) = (cluster + "-b", cluster + "-c", cluster + "-d")
        let lb = loadBalancer
        let unasked = cluster + "-lb2"
        let result: Result<Void, ConformanceFailure>
        do {
            let running = try await runningVM(0)
            let stopped = try await runningVM(1)
            let attached = try await createDisk(0)
            _ = try await createDisk(1)
            try await call("attachDisk") { try await provider.attachDisk(id: attached.id, to: running.id) }
            let theirs = try await runningVM(in: b, 0)
            var lonely = diskRequest(0, key: c + "-disk-0")
            lonely.cluster = c
            lonely.instanceID = c + "-worker-0"
            let lonelyDisk = try await call("createDisk in \(c)") { [lonely] in try await provider.createDisk(lonely) }
            for vm in [running, stopped, theirs] {
                try await call("register(\(lb), \(vm.id))") { try await provider.register(lb: lb, vmID: vm.id) }
            }
            try await call("register(\(unasked))") { try await provider.register(lb: unasked, vmID: running.id) }
            try await call("stopVM") { try await provider.stopVM(id: stopped.id) }
            let agent = provider as? any NodeAgent
            if let agent {
                for vm in [running, theirs] {
                    try await call("startJobs(\(vm.id))") { try await agent.startJobs(vmID: vm.id, jobs: ["kubelet"]) }
                    try await eventually("kubelet running on \(vm.id)") { () async throws(ConformanceFailure) in
                        let reported = try await call("health(\(vm.cluster))") { try await agent.health(cluster: vm.cluster) }
                        return reported[vm.id]?.jobs["kubelet"] == .running
                    }
                }
            }

            let swept = try await sweep(bulk, loadBalancers: [lb])
            for name in [cluster, b, c] {
                try await expectAgreement(swept[name] ?? ClusterInventory(), cluster: name, loadBalancers: [lb], agent: agent)
            }
            let nothing = swept[d] ?? ClusterInventory()
            try expect(nothing == ClusterInventory(), "the sweep reports \(nothing) for \(d), which holds nothing")
            let mine = swept[cluster] ?? ClusterInventory()
            try expect(
                Set(mine.vms.map(\.id)) == [running.id, stopped.id] && mine.vms.first { $0.id == stopped.id }?.state == .stopped,
                "the sweep reports \(mine.vms.map { "\($0.id) \($0.state)" }) for \(cluster); expected \(running.id) and \(stopped.id) stopped")
            try expect(mine.disks.count == 2, "the sweep reports \(mine.disks.count) disks of \(cluster), expected 2 (one detached)")
            try expect(mine.members[unasked] == nil, "the sweep reports members of \(unasked), which was not asked for")
            try expect(swept[b]?.members[lb] == [theirs.id], "the sweep reports \(swept[b]?.members[lb] ?? []) in \(lb) for \(b), expected [\(theirs.id)]")
            try expect(swept[c]?.disks.map(\.id) == [lonelyDisk.id], "the sweep does not report \(c)'s only, detached, disk \(lonelyDisk.id)")
            result = .success(())
        } catch {
            result = .failure(error)
        }
        for vm in (try? await provider.listVMs(cluster: cluster)) ?? [] { try? await provider.deregister(lb: unasked, vmID: vm.id) }
        for other in [b, c, d] {
            await ConformanceProbe(provider: provider, rule: String(other.dropFirst(fixture.clusterPrefix.count + 1)), fixture: fixture)
                .tidy(lbs: [])
        }
        try result.get()
    }

    /// Creates VM `n` of `other` and waits until it runs.
    private func runningVM(in other: String, _ n: Int) async throws(ConformanceFailure) -> VM {
        var request = vmRequest(n, key: "\(other)-vm-\(n)")
        request.cluster = other
        request.instanceID = "\(other)-worker-\(n)"
        let vm = try await call("createVM in \(other)") { [request] in try await provider.createVM(request) }
        try await eventually("VM \(vm.id) running") { () async throws(ConformanceFailure) in
            let listed = try await call("listVMs(\(other))") { try await provider.listVMs(cluster: other) }
            return listed.first { $0.id == vm.id }?.state == .running
        }
        return vm
    }

    /// Every page of one sweep, each page retried like any call; a sweep that does not end
    /// (a token seen twice) fails the rule.
    private func sweep(_ bulk: any InventoryProvider, loadBalancers: Set<String>) async throws(ConformanceFailure) -> [String: ClusterInventory] {
        var accumulator = InventoryAccumulator()
        var token: String?
        var seen = Set<String>()
        repeat {
            let current = token
            let page = try await call("inventoryPage(\(current ?? "first"))") {
                try await bulk.inventoryPage(loadBalancers: loadBalancers, pageToken: current)
            }
            accumulator.add(page)
            token = page.nextToken
            if let token { try expect(seen.insert(token).inserted, "inventoryPage returned the token \(token) twice: the sweep never ends") }
        } while token != nil
        return accumulator.byCluster()
    }

    /// The sweep's view of `name` equals what `listVMs`, `listDisks`, `listMembers` (restricted
    /// to the cluster's VMs) and, for a provider that is its own agent, `health` report now.
    private func expectAgreement(
        _ swept: ClusterInventory, cluster name: String, loadBalancers: Set<String>, agent: (any NodeAgent)?
    ) async throws(ConformanceFailure) {
        let vms = try await call("listVMs(\(name))") { try await provider.listVMs(cluster: name) }
        let disks = try await call("listDisks(\(name))") { try await provider.listDisks(cluster: name) }
        try expect(
            swept.vms.sorted { $0.id < $1.id } == vms.sorted { $0.id < $1.id },
            "the sweep reports VMs \(swept.vms) for \(name); listVMs reports \(vms)")
        try expect(
            swept.disks.sorted { $0.id < $1.id } == disks.sorted { $0.id < $1.id },
            "the sweep reports disks \(swept.disks) for \(name); listDisks reports \(disks)")
        let ours = Set(vms.map(\.id))
        for lb in loadBalancers {
            let listed = try await call("listMembers(\(lb))") { try await provider.listMembers(lb: lb) }
            let expected = Set(listed).intersection(ours)
            let reported = swept.members[lb] ?? []
            try expect(reported == expected, "the sweep reports \(reported.sorted()) of \(name) in \(lb); listMembers reports \(expected.sorted())")
        }
        guard let agent else { return }
        let health = try await call("health(\(name))") { try await agent.health(cluster: name) }
        try expect(
            Set(swept.health.keys) == Set(health.keys),
            "the sweep reports agents of \(swept.health.keys.sorted()) for \(name); health reports \(health.keys.sorted())")
        for (id, report) in health {
            guard let other = swept.health[id] else { continue }
            try expect(other.vmID == id && other.jobs == report.jobs, "the sweep reports \(other) for \(id); health reports \(report)")
            // A running agent's heartbeat is the moment of the read, so two reads differ a little.
            switch (other.lastHeartbeat, report.lastHeartbeat) {
            case (nil, nil): break
            case (let swept?, let read?):
                try expect(abs(swept.timeIntervalSince(read)) <= 10, "the sweep's heartbeat of \(id) is \(swept); health's is \(read)")
            default:
                throw fail("the sweep's heartbeat of \(id) is \(String(describing: other.lastHeartbeat)); health's is \(String(describing: report.lastHeartbeat))")
            }
        }
    }
}
