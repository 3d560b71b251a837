/// What the suite feeds a provider, and how patient it is. Defaults suit `sim`; a real cloud
/// (or moto) needs its own AZs, VM type and image, a unique `clusterPrefix` per run if the
/// cloud is shared, and a longer `deadline`.
public struct ConformanceFixture: Sendable {
    /// Every rule works in its own cluster, `<prefix>-<rule id>`; keys derive from it.
    public var clusterPrefix: String
    /// Two AZs of the provider's region (the second for cross-AZ rules).
    public var azs: [String]
    public var vmType: String
    public var image: String
    public var diskType: String?
    public var diskSizeMiB: Int
    /// How long to wait for something a rule expects to happen eventually (a VM to run, a job
    /// to start).
    public var deadline: Duration
    public var pollInterval: Duration
    /// Retryable errors are retried (with `retryAfter`, else `retryDelay`) up to this many
    /// attempts per call, as the executor would; terminal ones never are.
    public var attempts: Int
    public var retryDelay: Duration

    public init(
        clusterPrefix: String = "conformance", azs: [String] = ["z1", "z2"], vmType: String = "small",
        image: String = "image-1", diskType: String? = "standard", diskSizeMiB: Int = 1024,
        deadline: Duration = .seconds(60), pollInterval: Duration = .milliseconds(20), attempts: Int = 8,
        retryDelay: Duration = .milliseconds(10)
    ) {
        self.clusterPrefix = clusterPrefix
        self.azs = azs
        self.vmType = vmType
        self.image = image
        self.diskType = diskType
        self.diskSizeMiB = diskSizeMiB
        self.deadline = deadline
        self.pollInterval = pollInterval
        self.attempts = attempts
        self.retryDelay = retryDelay
    }
}
