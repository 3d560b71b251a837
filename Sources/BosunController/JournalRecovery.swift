import BosunPlanner
import BosunProvider
import BosunStore
import Foundation
import Logging

/// Resolves actions a previous process left unfinished, before anything is re-planned.
/// Creates are looked up by their idempotency key and adopted if they happened; every other
/// action is idempotent, so it is cancelled and the next plan redoes whatever is still needed.
/// If a create may have happened but its result cannot be identified, the pass stops with an
/// error instead of risking a second VM (Crossplane's rule).
struct JournalRecovery {
    let store: Store
    let provider: any InfrastructureProvider
    let cluster: String
    let logger: Logger

    struct AmbiguousCreate: Error, CustomStringConvertible {
        let description: String
    }

    /// Returns whether anything was left to resolve (and the records may have changed).
    @discardableResult
    func recover(knownKeys: Set<String>) async throws -> Bool {
        let entries = try store.unfinishedActions(cluster: cluster)
        guard !entries.isEmpty else { return false }
        let creates = entries.filter { $0.state == "running" && ($0.kind == "create-vm" || $0.kind == "create-disk") }
        var vms: [VM] = []
        var disks: [Disk] = []
        if creates.contains(where: { $0.kind == "create-vm" }) { vms = try await provider.listVMs(cluster: cluster) }
        if creates.contains(where: { $0.kind == "create-disk" }) { disks = try await provider.listDisks(cluster: cluster) }
        var cancelled: [Int64] = []
        for entry in entries {
            guard entry.state == "running", let detail = entry.detail,
                let action = try? JSONDecoder().decode(PlannedAction.self, from: Data(detail.utf8))
            else {
                cancelled.append(entry.id)
                continue
            }
            switch action.kind {
            case .createVM(let az, _, _):
                if let vm = vms.first(where: { $0.idempotencyKey == entry.key }) {
                    try store.markSucceeded(entry.id, effect: .vmCreated(
                        instance: vm.instanceID, cluster: cluster, group: vm.group, index: vm.index, az: az, vm: vm))
                    try store.recordEvent(cluster: cluster, instance: vm.instanceID, kind: "recovered",
                                          message: "create-vm interrupted by a restart had succeeded: adopted \(vm.id)")
                } else if let stranger = vms.first(where: { $0.instanceID == entry.instance && !knownKeys.contains($0.idempotencyKey) }) {
                    throw AmbiguousCreate(description: """
                        create-vm of \(entry.instance ?? "?") was interrupted and no VM carries its key \(entry.key), \
                        but \(stranger.id) claims the same instance; refusing to create another. \
                        Inspect \(stranger.id), delete it if it is not wanted, then run the pass again
                        """)
                } else {
                    cancelled.append(entry.id)
                }
            case .createDisk:
                if let disk = disks.first(where: { $0.idempotencyKey == entry.key }) {
                    try store.markSucceeded(entry.id, effect: .diskCreated(disk))
                } else {
                    cancelled.append(entry.id)
                }
            default:
                cancelled.append(entry.id)
            }
        }
        try store.settle(cancelled, state: "cancelled", note: "superseded: re-planned after an interrupted pass")
        logger.info("journal recovered", metadata: ["cluster": "\(cluster)", "entries": "\(entries.count)"])
        return true
    }
}
