/// A provider that can list everything Bosun manages in one paginated sweep: VMs, disks,
/// load-balancer members and agent health of every cluster, a page at a time. The drift sweep
/// uses it to observe thousands of clusters in a few dozen calls instead of four per cluster;
/// per-cluster listing stays for a pass's own observation. `docs/providers.md` has the contract
/// and `bulk-observation` in `BosunProviderConformance` checks it.
///
/// It is a protocol of its own, not a requirement of `InfrastructureProvider`, because a
/// correct default cannot be written from per-cluster calls (they cannot enumerate clusters);
/// the controller falls back to per-cluster observation for a provider that does not adopt it.
/// Its pages carry the agent's reports too, so the adopter answers for its agent (the sim is
/// both; AWS reads SSM beside EC2).
public protocol InventoryProvider: Sendable {
    /// One page of the inventory. Start with `pageToken` nil and pass each page's `nextToken`
    /// until it is nil. Members are reported only for `loadBalancers` (an LB that does not exist
    /// has none). Pages are read at different moments, so a sweep is not one snapshot: a
    /// resource changed mid-sweep may appear in its old or its new state, but each resource
    /// that exists throughout appears exactly once. Throws `ProviderError` only; a retryable
    /// error may be retried with the same token. An unknown token: terminal `InvalidParameter`.
    func inventoryPage(loadBalancers: Set<String>, pageToken: String?) async throws -> InventoryPage
}

extension InventoryProvider {
    /// Every page of one sweep, split by cluster: what `listVMs`, `listDisks`, `health` and
    /// `listMembers` (restricted to the cluster's VMs) report for each cluster with a VM or a
    /// disk. Clusters with nothing are absent. No retries: the controller's observer retries
    /// page by page instead.
    public func observeAll(loadBalancers: Set<String>) async throws -> [String: ClusterInventory] {
        var accumulator = InventoryAccumulator()
        var token: String?
        repeat {
            let page = try await inventoryPage(loadBalancers: loadBalancers, pageToken: token)
            accumulator.add(page)
            token = page.nextToken
        } while token != nil
        return accumulator.byCluster()
    }
}
