import BosunStore

/// What the no-op fast path remembers of a cluster's last settled pass, beyond its observation:
/// enough to tell whether the records changed (`revision`, then `digest`) and to observe it
/// again without reading them.
struct SettledRecords: Sendable {
    /// `ClusterState.digest` of the state the pass planned from; nil when adopted from another
    /// process's mark (`Reconciler.adoptSettled`), where only the revision can vouch.
    var digest: Int?
    /// The records revision (`cluster_revisions`) that state was read at.
    var revision: Int64
    /// The provider that observed it; nil for a mark adopted for a provider resolved per spec
    /// (aws), whose handle needs the spec.
    var handle: ProviderHandle?
    var loadBalancers: Set<String>

    init(_ state: ClusterState, digest: Int, handle: ProviderHandle?) {
        self.digest = digest
        revision = state.revision
        self.handle = handle
        loadBalancers = state.loadBalancers
    }

    init(_ settled: SettledCluster, handle: ProviderHandle?) {
        digest = nil
        revision = settled.mark.revision
        self.handle = handle
        loadBalancers = settled.mark.loadBalancers
    }
}
