/// What a cluster's optional `aws:` block says about where and how its resources are made.
/// Everything is optional: without it, instances go to each AZ's default subnet with the
/// VPC's default security group, and target groups are created with Bosun's defaults.
public struct AWSProviderSettings: Sendable, Hashable {
    /// AZ → subnet id. An AZ not listed uses its default subnet.
    public var subnets: [String: String]
    public var securityGroups: [String]
    public var keyPair: String?
    /// Instance profile name (the SSM agent needs `AmazonSSMManagedInstanceCore`).
    public var instanceProfile: String?
    /// Root volume size in GiB; nil keeps the AMI's.
    public var rootDiskGiB: Int?
    /// The AMI's root device name, needed to resize the root volume.
    public var rootDeviceName: String
    /// EBS type of disks whose request names none.
    public var defaultVolumeType: String
    /// Protocol and port of target groups Bosun creates.
    public var targetGroupProtocol: String
    public var targetGroupPort: Int
    /// Health check of target groups Bosun creates (protocol, port, path for HTTP(S)).
    public var healthCheckProtocol: String?
    public var healthCheckPort: String?
    public var healthCheckPath: String?

    public init(
        subnets: [String: String] = [:], securityGroups: [String] = [], keyPair: String? = nil, instanceProfile: String? = nil,
        rootDiskGiB: Int? = nil, rootDeviceName: String = "/dev/xvda", defaultVolumeType: String = "gp3",
        targetGroupProtocol: String = "TCP", targetGroupPort: Int = 6443, healthCheckProtocol: String? = nil,
        healthCheckPort: String? = nil, healthCheckPath: String? = nil
    ) {
        self.subnets = subnets
        self.securityGroups = securityGroups
        self.keyPair = keyPair
        self.instanceProfile = instanceProfile
        self.rootDiskGiB = rootDiskGiB
        self.rootDeviceName = rootDeviceName
        self.defaultVolumeType = defaultVolumeType
        self.targetGroupProtocol = targetGroupProtocol
        self.targetGroupPort = targetGroupPort
        self.healthCheckProtocol = healthCheckProtocol
        self.healthCheckPort = healthCheckPort
        self.healthCheckPath = healthCheckPath
    }
}
