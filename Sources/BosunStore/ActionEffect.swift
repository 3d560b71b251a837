import BosunProvider

/// What a succeeded action changes in the records, written in the same transaction that marks
/// it succeeded, so the journal and the records never disagree.
public enum ActionEffect: Sendable {
    case none
    case vmCreated(instance: String, cluster: String, group: String, index: Int, az: String, vm: VM)
    case vmDeleted(vmID: String)
    case diskCreated(Disk)
    case diskAttached(diskID: String, instance: String)
    case diskDetached(diskID: String)
    case diskResized(diskID: String, sizeMiB: Int)
    case diskOrphaned(diskID: String, cluster: String, sizeMiB: Int, type: String?)
    case jobsApplied(instance: String, hash: String)
    /// Jobs were restarted: like `jobsApplied`, and one more restart toward escalation (reset
    /// when the instance is next seen healthy).
    case jobsRestarted(instance: String, hash: String)
    case jobsStopped(instance: String)
    case healthy(instance: String)
    case registered(lb: String, instance: String, vmID: String)
    case deregistered(lb: String, vmID: String)
    case instanceReleased(instance: String)
}

/// One row of the action journal, as recovery needs it.
public struct JournalEntry: Sendable, Hashable {
    public var id: Int64
    public var cluster: String
    public var instance: String?
    public var kind: String
    public var key: String
    public var state: String
    public var attempts: Int
    public var owner: String?
    /// The planned action, decoded from the row's detail.
    public var detail: String?
}
