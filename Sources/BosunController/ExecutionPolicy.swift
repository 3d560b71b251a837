/// How plans are executed: parallelism, retries, timeouts, polling and leases. Defaults are
/// those of `semantics.md`; tests and benchmarks shorten them.
public struct ExecutionPolicy: Sendable {
    /// Worker slots shared by every cluster (Terraform's default parallelism).
    public var workers: Int = 10
    public var retry = RetryPolicy()
    /// Create VM: 10 minutes.
    public var createVMTimeout: Duration = .seconds(600)
    /// Every other action: 5 minutes.
    public var actionTimeout: Duration = .seconds(300)
    /// How often to look again while waiting for a VM to run or jobs to be healthy.
    public var pollInterval: Duration = .milliseconds(500)
    /// Provider calls per second (nil: unlimited).
    public var rateLimit: Double? = nil
    public var leaseTTL: Duration = .seconds(30)
    public var leaseRenewal: Duration = .seconds(10)

    public init() {}

    func timeout(for kind: String) -> Duration { kind == "create-vm" ? createVMTimeout : actionTimeout }
}
