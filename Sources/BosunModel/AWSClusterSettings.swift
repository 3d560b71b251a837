/// A cluster's optional `aws:` block (`docs/spec-format.md`): where its instances go and how
/// its target groups are made. Every field is optional; an empty block means AWS's defaults
/// (each AZ's default subnet, the VPC's default security group, the AMI's root disk).
public struct AWSClusterSettings: Sendable, Hashable, Codable {
    /// Availability zone → subnet id (`subnet-…`); an AZ not listed uses its default subnet.
    public var subnets: [String: String]
    /// Security group ids (`sg-…`); empty: the VPC's default group.
    public var securityGroups: [String]
    /// EC2 key pair name for SSH.
    public var keyPair: String?
    /// IAM instance profile name; the SSM agent needs `AmazonSSMManagedInstanceCore` in it.
    public var instanceProfile: String?
    /// Root volume size in GiB; nil keeps the AMI's.
    public var rootDiskGiB: Int?
    /// Target groups Bosun creates when one is missing.
    public var targetGroup: AWSTargetGroupSettings

    public init(
        subnets: [String: String] = [:], securityGroups: [String] = [], keyPair: String? = nil, instanceProfile: String? = nil,
        rootDiskGiB: Int? = nil, targetGroup: AWSTargetGroupSettings = AWSTargetGroupSettings()
    ) {
        self.subnets = subnets
        self.securityGroups = securityGroups
        self.keyPair = keyPair
        self.instanceProfile = instanceProfile
        self.rootDiskGiB = rootDiskGiB
        self.targetGroup = targetGroup
    }
}

/// How Bosun creates a missing target group: protocol and port of the targets (TCP 6443, the
/// API server, by default) and its health check (ELBv2's defaults when nil).
public struct AWSTargetGroupSettings: Sendable, Hashable, Codable {
    public var `protocol`: String
    public var port: Int
    public var healthCheckProtocol: String?
    /// A port number or `traffic-port`.
    public var healthCheckPort: String?
    /// For HTTP and HTTPS health checks, such as `/readyz`.
    public var healthCheckPath: String?

    public init(
        protocol: String = "TCP", port: Int = 6443, healthCheckProtocol: String? = nil, healthCheckPort: String? = nil,
        healthCheckPath: String? = nil
    ) {
        self.protocol = `protocol`
        self.port = port
        self.healthCheckProtocol = healthCheckProtocol
        self.healthCheckPort = healthCheckPort
        self.healthCheckPath = healthCheckPath
    }
}
