import BosunProvider
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

extension LocalCloud: NodeAgent {
    func configPath(_ vmID: String) -> String { vmDirectory(vmID) + "/config.json" }

    private func runningVM(_ vmID: String) throws(ProviderError) -> VM {
        guard let vm = try read({ db in try vmRow(db, vmID) })?.vm else { throw LocalError.terminal("NotFound", "VM \(vmID) does not exist") }
        // A local VM is never booting: one that is not running has crashed or was stopped, and
        // waiting does not bring it back; the next pass starts it.
        guard vm.state == .running else { throw LocalError.terminal("IncorrectState", "VM \(vmID) is stopped (its process tree is gone)") }
        return vm
    }

    public func configure(vmID: String, config: NodeConfig) async throws {
        _ = try runningVM(vmID)
        for job in config.jobs {
            do { _ = try catalog.definition(job) } catch { throw LocalError.terminal("UnknownJob", "\(error)") }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let path = configPath(vmID)
        do {
            let data = try encoder.encode(config)
            let tmp = path + ".tmp"
            // Only the node may read it: it holds the node's secrets.
            guard FileManager.default.createFile(atPath: tmp, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw LocalError.terminal("LocalFailure", "cannot write \(tmp)")
            }
            guard rename(tmp, path) == 0 else { throw LocalError.terminal("LocalFailure", "cannot write \(path)") }
            for job in config.jobs { try install(job, vmID: vmID) }
        } catch {
            throw LocalError.wrap(error)
        }
    }

    /// The job's runit service: its run script execs this binary's agent for the job.
    private func install(_ job: String, vmID: String) throws {
        var command = [agentBinary, "agent", "run-job", "--local-root", root, "--vm", vmID, "--job", job]
        if let catalogDirectory { command += ["--job-catalog", catalogDirectory] }
        try RunitService(directory: vmDirectory(vmID) + "/service/" + job).install(command: command, logs: vmDirectory(vmID) + "/logs/" + job)
    }

    public func configuration(vmID: String) async throws -> NodeConfig? {
        try configuration(vmID)
    }

    func configuration(_ vmID: String) throws(ProviderError) -> NodeConfig? {
        guard try read({ db in try vmRow(db, vmID) }) != nil else { throw LocalError.terminal("NotFound", "VM \(vmID) does not exist") }
        guard let data = FileManager.default.contents(atPath: configPath(vmID)) else { return nil }
        do { return try JSONDecoder().decode(NodeConfig.self, from: data) } catch { throw LocalError.wrap(error) }
    }

    func service(_ vmID: String, _ job: String) -> RunitService { RunitService(directory: vmDirectory(vmID) + "/service/" + job) }

    public func startJobs(vmID: String, jobs: [String]) async throws {
        _ = try runningVM(vmID)
        for job in jobs {
            let service = service(vmID, job)
            guard FileManager.default.fileExists(atPath: service.directory + "/run") else {
                throw LocalError.terminal("NotConfigured", "VM \(vmID) has no configuration for job \(job)")
            }
            do { try service.control("u") } catch { throw LocalError.wrap(error) }
        }
    }

    public func stopJobs(vmID: String) async throws {
        guard let vm = try read({ db in try vmRow(db, vmID) })?.vm, vm.state == .running else { return }
        for job in installedJobs(vmID) {
            let service = service(vmID, job)
            do { try service.control("d", timeout: 5) } catch { continue }
            _ = RunitService.wait(15) { service.status != .run }
        }
    }

    public func restartJobs(vmID: String, jobs: [String]) async throws {
        _ = try runningVM(vmID)
        for job in jobs {
            let service = service(vmID, job)
            let before = service.pid
            do {
                try service.control("u")
                try service.control("t")
            } catch { throw LocalError.wrap(error) }
            // Returns once the old process is gone, so a health check that follows sees the
            // new one, never the old one answering on its way out.
            if before != nil, !RunitService.wait(30, { service.pid != before }) {
                throw LocalError.retryable("RestartTimeout", "job \(job) on VM \(vmID) did not stop within 30 s")
            }
        }
    }

    func installedJobs(_ vmID: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: vmDirectory(vmID) + "/service")) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    public func health(cluster: String) async throws -> [String: NodeHealth] {
        let vms = try await listVMs(cluster: cluster)
        var out: [String: NodeHealth] = [:]
        let at = now()
        for vm in vms where vm.state == .running {
            var jobs: [String: JobState] = [:]
            for job in installedJobs(vm.id) { jobs[job] = jobState(vm, job) }
            out[vm.id] = NodeHealth(vmID: vm.id, jobs: jobs, lastHeartbeat: at)
        }
        return out
    }

    /// runit's state, then the job's own health check: running only when both say so.
    func jobState(_ vm: VM, _ job: String) -> JobState {
        let service = service(vm.id, job)
        guard let status = service.status else { return .starting }
        switch status {
        case .down: return FileManager.default.fileExists(atPath: service.directory + "/down") ? .stopped : .starting
        case .finish: return .failed
        case .run:
            let up = secondsUp(service)
            guard let check = catalog.jobs[job]?.health, let address = vm.address else { return up >= Self.settleSeconds ? .running : .starting }
            if HTTPProbe.isHealthy(address: address, port: check.port, path: check.path) {
                return up >= Self.settleSeconds ? .running : .starting
            }
            // Up for a while and still not healthy: failed; before that, starting.
            return up > 60 ? .failed : .starting
        }
    }

    /// A job counts as running only once it has been up this long and answers its health
    /// check, as BOSH waits out `update_watch_time`: a server that has just opened its health
    /// endpoint may not serve its clients yet (etcd answered one write in forty with an
    /// HTTP/1 reply where gRPC was due, right after a restart).
    static let settleSeconds: TimeInterval = 1

    private func secondsUp(_ service: RunitService) -> TimeInterval {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: service.directory + "/supervise/pid"),
              let modified = attributes[.modificationDate] as? Date else { return 0 }
        return now().timeIntervalSince(modified)
    }

    /// VMs with their address, state and jobs (`bosun local vms`).
    public func vms() throws(ProviderError) -> [LocalVM] {
        let rows = try read { db in try Row.fetchAll(db, sql: "SELECT * FROM vms ORDER BY cluster, grp, idx, id").map { VMRow($0).vm } }
        return rows.map { vm in
            let jobs = installedJobs(vm.id).map { job in LocalVM.Job(name: job, state: vm.state == .running ? jobState(vm, job).rawValue : "stopped") }
            return LocalVM(id: vm.id, cluster: vm.cluster, instance: vm.instanceID, address: vm.address ?? "-", state: vm.state.rawValue, jobs: jobs)
        }
    }

    /// Disks with their attachment (`bosun local disks`).
    public func disks() throws(ProviderError) -> [Disk] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM disks ORDER BY cluster, instance_id, id").map { row in
                Disk(
                    id: row["id"], cluster: row["cluster"], instanceID: row["instance_id"], az: row["az"], sizeMiB: row["size_mib"],
                    type: row["type"], attachedTo: row["attached_to"], idempotencyKey: row["idempotency_key"])
            }
        }
    }
}

/// A VM as `bosun local vms` shows it.
public struct LocalVM: Sendable, Codable {
    public var id: String
    public var cluster: String
    public var instance: String
    public var address: String
    public var state: String
    public var jobs: [Job]

    public struct Job: Sendable, Codable {
        public var name: String
        public var state: String
    }
}
