/// What a provider holds for one cluster, as an inventory sweep saw it: the same four reads a
/// per-cluster observation makes (`listVMs`, `listDisks`, `listMembers`, `health`), from one
/// sweep over every cluster.
public struct ClusterInventory: Sendable, Hashable {
    /// The cluster's VMs (tagged with it), in any state but deleted.
    public var vms: [VM]
    /// The cluster's disks (tagged with it), attached or not.
    public var disks: [Disk]
    /// Load balancer → the cluster's VMs registered in it. Only requested load balancers with at
    /// least one of the cluster's VMs appear; `listMembers` restricted to the cluster's VMs
    /// gives the same sets.
    public var members: [String: Set<String>]
    /// VM id → agent report, for the cluster's VMs that have an agent.
    public var health: [String: NodeHealth]

    public init(vms: [VM] = [], disks: [Disk] = [], members: [String: Set<String>] = [:], health: [String: NodeHealth] = [:]) {
        self.vms = vms
        self.disks = disks
        self.members = members
        self.health = health
    }
}
