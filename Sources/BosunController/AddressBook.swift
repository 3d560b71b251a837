import BosunProvider
import Synchronization

/// Each instance's current VM as one pass knows it: seeded from the pass's observation and
/// updated as the pass creates VMs, so a node configured late in a rollout gets the addresses
/// of peers created earlier in it. Shared by the pass's concurrent actions.
final class AddressBook: Sendable {
    struct Entry: Sendable {
        var vmID: String
        var az: String
        var address: String?
    }

    private let entries: Mutex<[String: Entry]>

    /// `vms`: the observed VMs, one per instance (the current one).
    init(vms: [VM]) {
        var out: [String: Entry] = [:]
        for vm in vms.sorted(by: { $0.id < $1.id }) where out[vm.instanceID] == nil || vm.state == .running {
            out[vm.instanceID] = Entry(vmID: vm.id, az: vm.az, address: vm.address)
        }
        entries = Mutex(out)
    }

    func record(_ vm: VM) {
        entries.withLock { $0[vm.instanceID] = Entry(vmID: vm.id, az: vm.az, address: vm.address) }
    }

    subscript(instance: String) -> Entry? { entries.withLock { $0[instance] } }
}
