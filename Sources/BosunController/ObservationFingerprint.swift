import BosunPlanner
import BosunProvider
import Foundation

/// A digest of what matters in one observation of a cluster, so a drift sweep can tell "same as
/// when it was last left alone" from "something changed" without planning. Heartbeat times are
/// left out (they change on every read); whether an agent is silent past its timeout is in.
/// Values are only compared within one process, so `Hasher`'s per-process seed is fine.
struct ObservationFingerprint: Hashable, Sendable {
    let value: Int
    /// The timeout it judged silence with, so a bulk sweep can fingerprint a new observation
    /// the same way without loading the cluster's spec (a spec change queues a pass anyway).
    let agentTimeout: TimeInterval

    init(_ observed: Observed, agentTimeout: TimeInterval, at now: Date) {
        self.agentTimeout = agentTimeout
        var h = Hasher()
        for vm in observed.vms.sorted(by: { $0.id < $1.id }) {
            h.combine(vm.id)
            h.combine(vm.state)
            h.combine(vm.vmType)
            h.combine(vm.image)
            h.combine(vm.az)
            if let report = observed.health[vm.id] {
                for (job, state) in report.jobs.sorted(by: { $0.key < $1.key }) {
                    h.combine(job)
                    h.combine(state)
                }
                let silent = report.lastHeartbeat.map { now.timeIntervalSince($0) > agentTimeout } ?? false
                h.combine(silent)
            }
        }
        for disk in observed.disks.sorted(by: { $0.id < $1.id }) {
            h.combine(disk.id)
            h.combine(disk.attachedTo)
            h.combine(disk.sizeMiB)
            h.combine(disk.type)
        }
        for (lb, members) in observed.members.sorted(by: { $0.key < $1.key }) {
            h.combine(lb)
            h.combine(members.sorted())
        }
        value = h.finalize()
    }
}
