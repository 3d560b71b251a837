import Foundation

/// Tags every VM carries; they are how a provider finds a VM again after a crash.
public struct VMRequest: Sendable, Hashable, Codable {
    public var cluster: String
    public var group: String
    public var index: Int
    /// Stable id of the instance `(cluster, group, index)`; survives recreates.
    public var instanceID: String
    public var az: String
    public var vmType: String
    public var image: String
    /// Derived from the plan: a repeated create with the same key returns the first VM.
    public var idempotencyKey: String
    /// The caller knows that no create was ever asked with this key before (the first attempt
    /// of a new journal entry), so a provider may skip looking the key up. False when unsure.
    public var keyIsNew = false

    private enum CodingKeys: String, CodingKey {
        case cluster, group, index, instanceID, az, vmType, image, idempotencyKey
    }

    public init(cluster: String, group: String, index: Int, instanceID: String, az: String, vmType: String, image: String, idempotencyKey: String) {
        self.cluster = cluster
        self.group = group
        self.index = index
        self.instanceID = instanceID
        self.az = az
        self.vmType = vmType
        self.image = image
        self.idempotencyKey = idempotencyKey
    }
}

/// Where a VM is in its life, as the provider reports it.
public enum VMState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Requested, not yet running (booting).
    case creating
    case running
    case stopped
}

/// A VM as the provider reports it.
public struct VM: Sendable, Hashable, Codable {
    public var id: String
    public var cluster: String
    public var group: String
    public var index: Int
    public var instanceID: String
    public var az: String
    public var vmType: String
    public var image: String
    public var state: VMState
    public var idempotencyKey: String
    /// The VM's private address as the provider reports it, if it has one yet. Delivered to
    /// its peers as links (`NodeConfig.links`).
    public var address: String?

    public init(id: String, cluster: String, group: String, index: Int, instanceID: String, az: String, vmType: String, image: String, state: VMState, idempotencyKey: String, address: String? = nil) {
        self.id = id
        self.cluster = cluster
        self.group = group
        self.index = index
        self.instanceID = instanceID
        self.az = az
        self.vmType = vmType
        self.image = image
        self.state = state
        self.idempotencyKey = idempotencyKey
        self.address = address
    }
}

/// A persistent disk to create.
public struct DiskRequest: Sendable, Hashable, Codable {
    public var cluster: String
    /// The instance the disk belongs to (a tag; survives detach and VM recreate).
    public var instanceID: String
    public var az: String
    public var sizeMiB: Int
    public var type: String?
    public var idempotencyKey: String
    /// As `VMRequest.keyIsNew`.
    public var keyIsNew = false

    private enum CodingKeys: String, CodingKey {
        case cluster, instanceID, az, sizeMiB, type, idempotencyKey
    }

    public init(cluster: String, instanceID: String, az: String, sizeMiB: Int, type: String?, idempotencyKey: String) {
        self.cluster = cluster
        self.instanceID = instanceID
        self.az = az
        self.sizeMiB = sizeMiB
        self.type = type
        self.idempotencyKey = idempotencyKey
    }
}

/// A persistent disk as the provider reports it.
public struct Disk: Sendable, Hashable, Codable {
    public var id: String
    public var cluster: String
    public var instanceID: String
    public var az: String
    public var sizeMiB: Int
    public var type: String?
    /// The VM it is attached to, if any.
    public var attachedTo: String?
    public var idempotencyKey: String

    public init(id: String, cluster: String, instanceID: String, az: String, sizeMiB: Int, type: String?, attachedTo: String?, idempotencyKey: String) {
        self.id = id
        self.cluster = cluster
        self.instanceID = instanceID
        self.az = az
        self.sizeMiB = sizeMiB
        self.type = type
        self.attachedTo = attachedTo
        self.idempotencyKey = idempotencyKey
    }
}

/// How one job (process) on a VM is doing.
public enum JobState: String, Sendable, Hashable, Codable, CaseIterable {
    case stopped
    case starting
    case running
    case failed
}

/// What a VM's agent reports: each job's state and when it was last heard from.
public struct NodeHealth: Sendable, Hashable, Codable {
    public var vmID: String
    public var jobs: [String: JobState]
    /// Last heartbeat; nil if the agent was never heard from.
    public var lastHeartbeat: Date?

    public init(vmID: String, jobs: [String: JobState], lastHeartbeat: Date?) {
        self.vmID = vmID
        self.jobs = jobs
        self.lastHeartbeat = lastHeartbeat
    }

    /// Every job running (and at least one job known).
    public var isHealthy: Bool { !jobs.isEmpty && jobs.values.allSatisfy { $0 == .running } }
}
