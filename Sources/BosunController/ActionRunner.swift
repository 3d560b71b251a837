import BosunPlanner
import BosunProvider
import BosunStore
import Foundation

/// Why an action could not run that is not the provider's doing.
public struct ActionError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var retryable: Bool
    public var description: String { message }
}

/// Performs one planned step against the provider and agent, resolving "the instance's VM /
/// disk" from the records at the time it runs. Returns what to record on success.
struct ActionRunner: Sendable {
    let cluster: String
    let provider: any InfrastructureProvider
    let agent: any NodeAgent
    let policy: ExecutionPolicy
    /// Renders the configuration handed to the node before its jobs start or restart.
    let configs: NodeConfigRenderer
    /// Counts provider calls when it carries metrics.
    var handle: ProviderHandle? = nil

    /// What `perform` reads of `kind`'s instance's records: only attaching the instance's own
    /// disk needs the disk, and creating needs neither.
    static func reads(_ kind: ActionKind) -> InstanceReads {
        switch kind {
        case .attachDisk(let id): id == nil ? [.vm, .disk] : [.vm]
        case .startJobs, .restartJobs, .waitHealthy, .register: [.vm]
        case .stopJobs(let id): id == nil ? [.vm] : []
        case .createVM, .deleteVM, .startVM, .createDisk, .detachDisk, .resizeDisk, .orphanDisk, .deregister, .releaseInstance: []
        }
    }

    /// Performs `action`; `resources` are the instance's VM and disk as recorded when this
    /// attempt started (`Store.markRunning(_:owner:instance:)`). `attempt` 1 of a journal entry
    /// is the first use of its key (keys are unique per entry, and an entry a crash left
    /// running is resolved by `JournalRecovery`, never re-run under its key).
    func perform(_ action: PlannedAction, key: String, attempt: Int = 2, resources: (vm: String?, disk: String?)) async throws -> ActionEffect {
        let instance = action.instance ?? ""
        func currentVM() throws -> String {
            guard let vm = resources.vm else {
                throw ActionError(message: "\(instance) has no VM (the plan is stale; the next pass re-plans)", retryable: false)
            }
            return vm
        }
        switch action.kind {
        case .createVM(let az, let vmType, let image):
            var request = VMRequest(
                cluster: cluster, group: action.group ?? "", index: action.index ?? 0, instanceID: instance, az: az,
                vmType: vmType, image: image, idempotencyKey: key)
            request.keyIsNew = attempt == 1
            let vm = try await waitRunning(try await measured("createVM") { try await provider.createVM(request) })
            configs.book.record(vm)
            return .vmCreated(instance: instance, cluster: cluster, group: request.group, index: request.index, az: az, vm: vm)
        case .deleteVM(let id):
            try await measured("deleteVM") { try await provider.deleteVM(id: id) }
            return .vmDeleted(vmID: id)
        case .startVM(let id):
            try await measured("startVM") { try await provider.startVM(id: id) }
            _ = try await waitRunning(id: id)
            return .none
        case .createDisk(let az, let size, let type):
            var request = DiskRequest(cluster: cluster, instanceID: instance, az: az, sizeMiB: size, type: type, idempotencyKey: key)
            request.keyIsNew = attempt == 1
            let disk = try await measured("createDisk") { try await provider.createDisk(request) }
            return .diskCreated(disk)
        case .attachDisk(let id):
            let (vm, current) = resources
            guard let vm else { throw ActionError(message: "\(instance) has no VM to attach a disk to", retryable: false) }
            guard let disk = id ?? current else { throw ActionError(message: "\(instance) has no disk to attach", retryable: false) }
            try await measured("attachDisk") { try await provider.attachDisk(id: disk, to: vm) }
            return .diskAttached(diskID: disk, instance: instance)
        case .detachDisk(let id):
            do {
                try await measured("detachDisk") { try await provider.detachDisk(id: id) }
            } catch let error as ProviderError where error.code == ProviderError.incorrectState {
                // Already detached: the goal holds (a retry after a lost reply lands here).
            }
            return .diskDetached(diskID: id)
        case .resizeDisk(let id, let size):
            try await measured("resizeDisk") { try await provider.resizeDisk(id: id, sizeMiB: size) }
            return .diskResized(diskID: id, sizeMiB: size)
        case .orphanDisk(let id):
            let disks = try await measured("listDisks") { try await provider.listDisks(cluster: cluster) }
            let disk = disks.first { $0.id == id }
            return .diskOrphaned(diskID: id, cluster: cluster, sizeMiB: disk?.sizeMiB ?? 1, type: disk?.type)
        case .startJobs(let jobs, let hash):
            let vm = try currentVM()
            try await configure(vm, action, hash: hash)
            try await measured("startJobs") { try await agent.startJobs(vmID: vm, jobs: jobs) }
            return .jobsApplied(instance: instance, hash: hash)
        case .restartJobs(let jobs, let hash):
            let vm = try currentVM()
            try await configure(vm, action, hash: hash)
            try await measured("restartJobs") { try await agent.restartJobs(vmID: vm, jobs: jobs) }
            return .jobsRestarted(instance: instance, hash: hash)
        case .stopJobs(let id):
            try await measured("stopJobs") { try await agent.stopJobs(vmID: try id ?? currentVM()) }
            return id == nil ? .jobsStopped(instance: instance) : .none
        case .waitHealthy(let jobs):
            try await waitHealthy(vmID: try currentVM(), jobs: jobs)
            return .healthy(instance: instance)
        case .register(let lb):
            let vm = try currentVM()
            try await measured("register") { try await provider.register(lb: lb, vmID: vm) }
            return .registered(lb: lb, instance: instance, vmID: vm)
        case .deregister(let lb, let vm):
            try await measured("deregister") { try await provider.deregister(lb: lb, vmID: vm) }
            return .deregistered(lb: lb, vmID: vm)
        case .releaseInstance:
            return .instanceReleased(instance: instance)
        }
    }

    /// Hands the node its rendered configuration; what it runs next reads it.
    private func configure(_ vmID: String, _ action: PlannedAction, hash: String) async throws {
        let config = try configs.render(instance: action.instance ?? "", group: action.group ?? "", index: action.index ?? 0, hash: hash)
        try await measured("configure") { try await agent.configure(vmID: vmID, config: config) }
    }

    /// One provider or agent call, counted when the handle carries metrics.
    private func measured<T>(_ operation: String, _ call: () async throws -> T) async throws -> T {
        guard let handle else { return try await call() }
        return try await handle.measured(operation, call)
    }

    private func waitRunning(_ vm: VM) async throws -> VM {
        vm.state == .running ? vm : try await waitRunning(id: vm.id)
    }

    private func waitRunning(id: String) async throws -> VM {
        while true {
            let listed = try await measured("listVMs") { try await provider.listVMs(cluster: cluster) }
            guard let vm = listed.first(where: { $0.id == id }) else {
                throw ProviderError.notFound("VM \(id)")
            }
            if vm.state == .running { return vm }
            try await Task.sleep(for: policy.pollInterval)
        }
    }

    private func waitHealthy(vmID: String, jobs: [String]) async throws {
        while true {
            let reports = try await measured("health") { try await agent.health(cluster: cluster) }
            let report = reports[vmID]
            let states = jobs.map { report?.jobs[$0] ?? .stopped }
            if let failed = zip(jobs, states).first(where: { $0.1 == .failed }) {
                throw ActionError(message: "job \(failed.0) failed on \(vmID)", retryable: false)
            }
            if states.allSatisfy({ $0 == .running }) { return }
            try await Task.sleep(for: policy.pollInterval)
        }
    }
}
