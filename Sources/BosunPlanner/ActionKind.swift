/// One step the executor can take. Ids known when planning are explicit; "the instance's VM /
/// disk" is resolved from the state database when the step runs, so a step planned before its
/// VM existed still finds it after a crash and resume.
public enum ActionKind: Hashable, Sendable, Codable {
    /// Create the instance's VM (it becomes the instance's current VM).
    case createVM(az: String, vmType: String, image: String)
    /// Delete a VM (missing counts as deleted).
    case deleteVM(vmID: String)
    /// Start a stopped VM.
    case startVM(vmID: String)
    /// Create the instance's persistent disk.
    case createDisk(az: String, sizeMiB: Int, type: String?)
    /// Attach a disk (nil: the instance's current disk) to the instance's current VM.
    case attachDisk(diskID: String?)
    /// Detach a disk (not attached counts as detached).
    case detachDisk(diskID: String)
    /// Grow a disk in place.
    case resizeDisk(diskID: String, sizeMiB: Int)
    /// Keep a detached disk as an orphan (listed, never deleted implicitly).
    case orphanDisk(diskID: String)
    /// Start the instance's jobs on its current VM.
    case startJobs(jobs: [String], jobsHash: String)
    /// Restart the instance's jobs on its current VM (config change or unhealthy job).
    case restartJobs(jobs: [String], jobsHash: String)
    /// Stop every job on a VM (nil: the instance's current VM).
    case stopJobs(vmID: String?)
    /// Wait until every job on the instance's current VM runs.
    case waitHealthy(jobs: [String])
    /// Register the instance's current VM in a load balancer.
    case register(lb: String)
    /// Deregister a VM from a load balancer.
    case deregister(lb: String, vmID: String)
    /// Forget an instance that is no longer desired (after its VM is gone).
    case releaseInstance

    /// The journal's `kind` column.
    public var name: String {
        switch self {
        case .createVM: "create-vm"
        case .deleteVM: "delete-vm"
        case .startVM: "start-vm"
        case .createDisk: "create-disk"
        case .attachDisk: "attach-disk"
        case .detachDisk: "detach-disk"
        case .resizeDisk: "resize-disk"
        case .orphanDisk: "orphan-disk"
        case .startJobs: "start-jobs"
        case .restartJobs: "restart-jobs"
        case .stopJobs: "stop-jobs"
        case .waitHealthy: "wait-healthy"
        case .register: "register-lb"
        case .deregister: "deregister-lb"
        case .releaseInstance: "release-instance"
        }
    }

    /// `+` adds, `-` removes, `~` changes in place (Terraform's marks).
    public var mark: Character {
        switch self {
        case .createVM, .createDisk, .attachDisk, .startJobs, .register, .startVM: "+"
        case .deleteVM, .detachDisk, .orphanDisk, .stopJobs, .deregister, .releaseInstance: "-"
        case .resizeDisk, .restartJobs, .waitHealthy: "~"
        }
    }

    /// Whether the step takes the instance's workload down (stops, restarts or deletes it);
    /// leaving a load balancer alone does not.
    public var disrupts: Bool {
        switch self {
        case .stopJobs, .deleteVM, .restartJobs: true
        default: false
        }
    }

    /// Whether the step renders the node's configuration (jobs, properties, peers' addresses).
    public var configuresJobs: Bool {
        switch self {
        case .startJobs, .restartJobs: true
        default: false
        }
    }

    /// Human summary with parameters.
    public var summary: String {
        switch self {
        case .createVM(let az, let vmType, let image): "create VM (\(vmType), \(image), \(az))"
        case .deleteVM(let id): "delete VM \(id)"
        case .startVM(let id): "start VM \(id)"
        case .createDisk(let az, let size, let type): "create disk (\(size) MiB\(type.map { ", \($0)" } ?? ""), \(az))"
        case .attachDisk(let id): "attach disk\(id.map { " \($0)" } ?? "")"
        case .detachDisk(let id): "detach disk \(id)"
        case .resizeDisk(let id, let size): "grow disk \(id) to \(size) MiB"
        case .orphanDisk(let id): "keep disk \(id) as orphan"
        case .startJobs(let jobs, _): "start jobs \(jobs.joined(separator: ","))"
        case .restartJobs(let jobs, _): "restart jobs \(jobs.joined(separator: ","))"
        case .stopJobs(let id): "stop jobs\(id.map { " on \($0)" } ?? "")"
        case .waitHealthy: "wait until healthy"
        case .register(let lb): "add to load balancer \(lb)"
        case .deregister(let lb, let id): "remove \(id) from load balancer \(lb)"
        case .releaseInstance: "forget instance"
        }
    }
}
