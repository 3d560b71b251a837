import BosunProvider
import Foundation

/// What the provider reports now for one cluster.
public struct Observed: Sendable, Hashable {
    public var vms: [VM]
    public var disks: [Disk]
    /// Load balancer name → registered VM ids (for the LBs the spec or records name).
    public var members: [String: Set<String>]
    /// VM id → agent report.
    public var health: [String: NodeHealth]
    /// When the observation was made (the caller's clock): an agent whose last heartbeat is older
    /// than `healing.agentTimeoutSeconds` at this moment is silent. Nil: silence is not judged.
    public var observedAt: Date?

    public init(
        vms: [VM] = [], disks: [Disk] = [], members: [String: Set<String>] = [:], health: [String: NodeHealth] = [:],
        observedAt: Date? = nil
    ) {
        self.vms = vms
        self.disks = disks
        self.members = members
        self.health = health
        self.observedAt = observedAt
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
    /// Consecutive healing restarts of the instance's failed jobs since it was last seen healthy
    /// (maintained by the store). At 3 the planner stops restarting and recreates the VM.
    public var healRestarts: Int

    public init(
        id: String, group: String, index: Int, az: String, vmID: String?, appliedHash: String?, diskID: String?,
        healRestarts: Int = 0
    ) {
        self.id = id
        self.group = group
        self.index = index
        self.az = az
        self.vmID = vmID
        self.appliedHash = appliedHash
        self.diskID = diskID
        self.healRestarts = healRestarts
    }

    private enum CodingKeys: String, CodingKey { case id, group, index, az, vmID, appliedHash, diskID, healRestarts }

    /// Records encoded before `healRestarts` existed decode with 0.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id), group: try c.decode(String.self, forKey: .group),
            index: try c.decode(Int.self, forKey: .index), az: try c.decode(String.self, forKey: .az),
            vmID: try c.decodeIfPresent(String.self, forKey: .vmID),
            appliedHash: try c.decodeIfPresent(String.self, forKey: .appliedHash),
            diskID: try c.decodeIfPresent(String.self, forKey: .diskID),
            healRestarts: try c.decodeIfPresent(Int.self, forKey: .healRestarts) ?? 0)
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
    /// `CredentialSet.tokens` of the cluster's stored credentials (versions, never values): a
    /// new version changes the configuration hash of the groups that reference it.
    public var credentialTokens: [String: String]

    public init(
        instances: [InstanceRecord] = [], knownKeys: Set<String> = [], orphanedDisks: Set<String> = [], readoptable: [String]? = nil,
        credentialTokens: [String: String] = [:]
    ) {
        self.credentialTokens = credentialTokens
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
