import BosunProvider

/// What the provider reports now for one cluster.
public struct Observed: Sendable, Hashable {
    public var vms: [VM]
    public var disks: [Disk]
    /// Load balancer name → registered VM ids (for the LBs the spec or records name).
    public var members: [String: Set<String>]
    /// VM id → agent report.
    public var health: [String: NodeHealth]

    public init(vms: [VM] = [], disks: [Disk] = [], members: [String: Set<String>] = [:], health: [String: NodeHealth] = [:]) {
        self.vms = vms
        self.disks = disks
        self.members = members
        self.health = health
    }
}

/// What the controller last applied for one instance.
public struct InstanceRecord: Sendable, Hashable, Codable {
    public var id: String
    public var group: String
    public var index: Int
    public var az: String
    public var vmID: String?
    /// Jobs hash last started or restarted on the current VM.
    public var appliedHash: String?
    /// The disk the instance owns (attached or not), if recorded.
    public var diskID: String?

    public init(id: String, group: String, index: Int, az: String, vmID: String?, appliedHash: String?, diskID: String?) {
        self.id = id
        self.group = group
        self.index = index
        self.az = az
        self.vmID = vmID
        self.appliedHash = appliedHash
        self.diskID = diskID
    }
}

/// What the controller recorded for one cluster.
public struct Recorded: Sendable, Hashable {
    public var instances: [InstanceRecord]
    /// Idempotency keys of creates this controller journaled: VMs carrying them are ours.
    public var knownKeys: Set<String>
    /// Disks already kept as orphans (not any instance's current disk).
    public var orphanedDisks: Set<String>
    /// Orphaned disks that may be re-attached to the instance identity they belonged to, most
    /// recently orphaned first (deleted ones are not here).
    public var readoptable: [String]

    public init(instances: [InstanceRecord] = [], knownKeys: Set<String> = [], orphanedDisks: Set<String> = [], readoptable: [String]? = nil) {
        self.instances = instances
        self.knownKeys = knownKeys
        self.orphanedDisks = orphanedDisks
        self.readoptable = readoptable ?? orphanedDisks.sorted()
    }
}

/// What the plan is for: converge to the spec, or tear the cluster down.
public enum PlanGoal: Sendable, Hashable {
    case converge
    case teardown
}
