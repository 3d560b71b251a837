/// One instance group of a cluster: identical VMs running the same jobs.
public struct GroupSpec: Sendable, Hashable, Codable {
    /// Group name: a DNS label, unique within the cluster.
    public var name: String
    /// Number of instances, 0…10000.
    public var instances: Int
    /// Availability zones the instances are spread over, in the order given.
    public var azs: [String]
    /// Provider instance type.
    public var vmType: String
    /// Persistent disk, if the group has one.
    public var disk: DiskSpec?
    /// Load balancer (target group) the instances are registered in.
    public var loadBalancer: String?
    /// Jobs (processes) every instance runs.
    public var jobs: [String]
    /// Free-form job configuration; a change restarts the group's jobs.
    public var properties: JSONValue
    /// The group's effective rollout policy (the cluster's, with the group's overrides applied).
    public var update: UpdatePolicy

    public init(
        name: String, instances: Int, azs: [String], vmType: String, disk: DiskSpec?,
        loadBalancer: String?, jobs: [String], properties: JSONValue, update: UpdatePolicy
    ) {
        self.name = name
        self.instances = instances
        self.azs = azs
        self.vmType = vmType
        self.disk = disk
        self.loadBalancer = loadBalancer
        self.jobs = jobs
        self.properties = properties
        self.update = update
    }

    /// Whether the etcd quorum guard applies to this group.
    public var runsEtcd: Bool { jobs.contains("etcd") }
}

/// A persistent disk request.
public struct DiskSpec: Sendable, Hashable, Codable {
    /// Size in MiB (the canonical unit; files may say MiB, GiB or TiB).
    public var sizeMiB: Int
    /// Provider disk type, or `nil` for the provider's default.
    public var type: String?

    public init(sizeMiB: Int, type: String?) {
        self.sizeMiB = sizeMiB
        self.type = type
    }
}
