import BosunModel
import Yams

/// Rules only `provider: local` has (`docs/spec-format.md`).
extension ClusterReader {
    /// `region` is the cluster's address block `127.A.B`; every job must be in the job catalog.
    func localRules(_ f: Fields, region: String?, groups: [GroupSpec]?, catalog: LocalJobNames) {
        if let node = f["region"], let text = region, !LoopbackBlock.isValid(text) {
            r.fail(node, "region", "for provider 'local', the cluster's address block: 127.A.B with A 1–254 and B 0–255 (127.0.x is the host's own)")
        }
        guard let groups, case .sequence(let items)? = f["groups"] else { return }
        for (index, group) in groups.enumerated() where index < items.count {
            let jobsNode = items[index].mapping?["jobs"]
            for job in group.jobs where !catalog.names.contains(job) {
                r.fail(jobsNode, "groups[\(index)].jobs", "job '\(job)' is not in the job catalog (\(catalog.origin); known: \(catalog.names.sorted().joined(separator: ", ")))")
            }
        }
    }
}
