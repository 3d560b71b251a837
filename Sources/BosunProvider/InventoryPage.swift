/// One page of a provider's inventory (`InventoryProvider.inventoryPage`): some of the VMs,
/// disks, load-balancer memberships and agent reports the provider holds, and the token of the
/// next page. A provider fills pages as its own APIs page (AWS: `DescribeInstances`,
/// `DescribeVolumes`, …, up to 1,000 items each); a caller must not assume which kinds a page
/// holds, only that every resource appears on exactly one page of a sweep that saw it.
public struct InventoryPage: Sendable, Hashable {
    /// VMs of every cluster, in any state but deleted.
    public var vms: [VM]
    /// Disks of every cluster, attached or not.
    public var disks: [Disk]
    /// Load balancer name → registered VM ids, for the requested load balancers only. A VM may
    /// be listed on another page than its membership.
    public var members: [String: [String]]
    /// VM id → agent report, for VMs that have an agent (not those still booting).
    public var health: [String: NodeHealth]
    /// Pass it to the next call; nil: this was the last page.
    public var nextToken: String?

    public init(
        vms: [VM] = [], disks: [Disk] = [], members: [String: [String]] = [:], health: [String: NodeHealth] = [:],
        nextToken: String? = nil
    ) {
        self.vms = vms
        self.disks = disks
        self.members = members
        self.health = health
        self.nextToken = nextToken
    }
}
