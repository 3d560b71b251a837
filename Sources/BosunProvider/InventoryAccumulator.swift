/// Gathers the pages of one inventory sweep and splits them by cluster as they come. VMs and
/// disks name their cluster and go straight to it; memberships and agent reports name only a VM
/// id, so each goes to its VM's cluster once that VM has been seen (a VM and its membership
/// may come on different pages). Nothing is held twice: a sweep of 100,000 VMs is in memory
/// once, split, not also as one flat list beside the split.
public struct InventoryAccumulator: Sendable {
    private var clusters: [String: ClusterInventory] = [:]
    /// VM id → its cluster, for every VM seen so far.
    private var clusterOf: [String: String] = [:]
    private var seenDisks = Set<String>()
    /// Memberships and reports whose VM no page has listed yet.
    private var waitingMembers: [String: [String]] = [:]
    private var waitingHealth: [String: NodeHealth] = [:]
    /// Pages added so far.
    public private(set) var pages = 0

    public init() {}

    /// Adds one page.
    public mutating func add(_ page: InventoryPage) {
        pages += 1
        for vm in page.vms {
            // A VM seen on two pages (a provider whose pages overlap) counts once.
            guard clusterOf.updateValue(vm.cluster, forKey: vm.id) == nil else { continue }
            clusters[vm.cluster, default: ClusterInventory()].vms.append(vm)
        }
        for disk in page.disks where seenDisks.insert(disk.id).inserted {
            clusters[disk.cluster, default: ClusterInventory()].disks.append(disk)
        }
        for (lb, ids) in page.members {
            for id in ids {
                if let cluster = clusterOf[id] {
                    clusters[cluster]?.members[lb, default: []].insert(id)
                } else {
                    waitingMembers[lb, default: []].append(id)
                }
            }
        }
        for (id, report) in page.health {
            if let cluster = clusterOf[id] {
                clusters[cluster]?.health[id] = report
                // A later page's report is the newer one.
                waitingHealth[id] = nil
            } else {
                waitingHealth[id] = report
            }
        }
    }

    /// Everything seen, by cluster. Only clusters with at least one VM or disk appear. A
    /// membership or report of a VM the sweep did not list (deleted or created between pages)
    /// is dropped, as a per-cluster observation that lists VMs first would not see it either.
    public consuming func byCluster() -> [String: ClusterInventory] {
        for (lb, ids) in waitingMembers {
            for id in ids {
                guard let cluster = clusterOf[id] else { continue }
                clusters[cluster]?.members[lb, default: []].insert(id)
            }
        }
        for (id, report) in waitingHealth {
            guard let cluster = clusterOf[id], clusters[cluster]?.health[id] == nil else { continue }
            clusters[cluster]?.health[id] = report
        }
        return clusters
    }
}
