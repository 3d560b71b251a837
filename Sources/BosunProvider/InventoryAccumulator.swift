/// Gathers the pages of one inventory sweep and splits them by cluster. Memberships and agent
/// reports name only a VM id, so they are assigned to clusters once every page is in: a VM and
/// its membership may come on different pages.
public struct InventoryAccumulator: Sendable {
    private var vms: [VM] = []
    private var disks: [Disk] = []
    private var members: [String: [String]] = [:]
    private var health: [String: NodeHealth] = [:]
    /// Pages added so far.
    public private(set) var pages = 0

    public init() {}

    /// Adds one page.
    public mutating func add(_ page: InventoryPage) {
        pages += 1
        vms += page.vms
        disks += page.disks
        for (lb, ids) in page.members { members[lb, default: []] += ids }
        health.merge(page.health) { _, newer in newer }
    }

    /// Everything seen, by cluster. Only clusters with at least one VM or disk appear. A
    /// membership or report of a VM the sweep did not list (deleted or created between pages)
    /// is dropped, as a per-cluster observation that lists VMs first would not see it either.
    public func byCluster() -> [String: ClusterInventory] {
        var out: [String: ClusterInventory] = [:]
        var clusterOf: [String: String] = [:]
        clusterOf.reserveCapacity(vms.count)
        for vm in vms {
            // A VM seen on two pages (a provider whose pages overlap) counts once.
            guard clusterOf.updateValue(vm.cluster, forKey: vm.id) == nil else { continue }
            out[vm.cluster, default: ClusterInventory()].vms.append(vm)
        }
        var seenDisks = Set<String>()
        for disk in disks where seenDisks.insert(disk.id).inserted {
            out[disk.cluster, default: ClusterInventory()].disks.append(disk)
        }
        for (lb, ids) in members {
            for id in ids {
                guard let cluster = clusterOf[id] else { continue }
                out[cluster]?.members[lb, default: []].insert(id)
            }
        }
        for (id, report) in health {
            guard let cluster = clusterOf[id] else { continue }
            out[cluster]?.health[id] = report
        }
        return out
    }
}
