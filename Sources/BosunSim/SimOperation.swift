/// Every call a provider or agent client can make, named after its method; faults can be set
/// for one of them (`bosun sim faults --operation createVM …`) or for all.
public enum SimOperation: String, Sendable, Hashable, Codable, CaseIterable {
    case listVMs, createVM, deleteVM, startVM, stopVM
    case listDisks, createDisk, attachDisk, detachDisk, deleteDisk, resizeDisk
    case listMembers, register, deregister
    case startJobs, stopJobs, restartJobs, health
    /// `NodeAgent.configure` and `NodeAgent.configuration`.
    case configure, configuration
    /// One page of `InventoryProvider.inventoryPage` (the bulk observation).
    case inventoryPage

    /// Reads run in a read transaction, concurrently with writes and with each other.
    var isRead: Bool {
        switch self {
        case .listVMs, .listDisks, .listMembers, .health, .inventoryPage, .configuration: true
        default: false
        }
    }
}
