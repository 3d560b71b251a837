/// The seam every cloud plugs into: VMs, disks and load-balancer membership. The written
/// contract with its rules is `docs/providers.md`; `BosunProviderConformance` checks it.
///
/// Every method may throw `ProviderError`; nothing else. Every call is safe to retry:
/// creates are idempotent by key, deletes of missing things succeed (BOSH's rule), and
/// register / deregister are idempotent.
public protocol InfrastructureProvider: Sendable {
    /// Short name for logs and events (`sim`, `aws`).
    var name: String { get }

    /// VMs tagged with `cluster`, in any state but deleted. Sees every completed create.
    func listVMs(cluster: String) async throws -> [VM]
    /// Creates a VM, or returns the VM an earlier call with the same idempotency key created.
    func createVM(_ request: VMRequest) async throws -> VM
    /// Deletes a VM; a VM that does not exist counts as deleted. Attached disks are detached, not deleted.
    func deleteVM(id: String) async throws
    /// Starts a stopped VM; a running VM is left alone. Missing VM: terminal `NotFound`.
    func startVM(id: String) async throws
    /// Stops a running VM; a stopped VM is left alone. Missing VM: terminal `NotFound`.
    func stopVM(id: String) async throws

    /// Disks tagged with `cluster`, attached or not.
    func listDisks(cluster: String) async throws -> [Disk]
    /// Creates a disk, or returns the disk an earlier call with the same key created.
    func createDisk(_ request: DiskRequest) async throws -> Disk
    /// Attaches; already attached to this VM succeeds. Attached elsewhere: terminal
    /// `IncorrectState`. Missing disk or VM: terminal `NotFound`.
    func attachDisk(id: String, to vmID: String) async throws
    /// Detaches. A disk that is not attached: terminal `IncorrectState`. Missing: terminal `NotFound`.
    func detachDisk(id: String) async throws
    /// Deletes a detached disk; a missing disk counts as deleted. Attached: terminal `IncorrectState`.
    func deleteDisk(id: String) async throws
    /// Grows a disk in place. Shrinking or a non-positive size: terminal `InvalidParameter`.
    func resizeDisk(id: String, sizeMiB: Int) async throws

    /// VM ids registered in load balancer `lb` (created on first use); empty if it does not exist.
    func listMembers(lb: String) async throws -> [String]
    /// Registers a VM; already registered succeeds. Missing VM: terminal `NotFound`.
    func register(lb: String, vmID: String) async throws
    /// Deregisters a VM; not registered (or no such LB) succeeds.
    func deregister(lb: String, vmID: String) async throws
}

/// The agent on each VM: starts and stops its jobs and reports their health.
public protocol NodeAgent: Sendable {
    /// Hands the VM its rendered configuration (`NodeConfig`), replacing the one it had; the
    /// jobs read it when they next start. Idempotent. VM rules as `startJobs`. The provider
    /// keeps it where only the node can read it: it holds secrets.
    func configure(vmID: String, config: NodeConfig) async throws
    /// The configuration the VM last received, or nil if it never received one. Missing VM:
    /// terminal `NotFound`.
    func configuration(vmID: String) async throws -> NodeConfig?
    /// Starts `jobs` on the VM (idempotent: running jobs stay running). Missing or stopped VM:
    /// retryable `IncorrectState` while creating, terminal `NotFound` when gone.
    func startJobs(vmID: String, jobs: [String]) async throws
    /// Stops every job on the VM. A missing VM counts as stopped.
    func stopJobs(vmID: String) async throws
    /// Restarts `jobs` (a new process each, which also clears a failed state).
    func restartJobs(vmID: String, jobs: [String]) async throws
    /// Health of every VM of a cluster that has an agent, by VM id.
    func health(cluster: String) async throws -> [String: NodeHealth]
}
