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
        try await offload { [self] in
            _ = try runningVM(vmID)
            for job in config.jobs {
                do { _ = try catalog.definition(job) } catch { throw LocalError.terminal("UnknownJob", "\(error)") }
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let path = configPath(vmID)
            do {
                // Only the node may read it: it holds the node's secrets.
                try PrivateFile.write(try encoder.encode(config), to: path, mode: 0o600)
                for job in config.jobs { try install(job, vmID: vmID) }
            } catch {
                throw LocalError.wrap(error)
            }
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
        try await offload { [self] in
            _ = try runningVM(vmID)
            for job in jobs {
                let service = service(vmID, job)
                guard FileManager.default.fileExists(atPath: service.directory + "/run") else {
                    throw LocalError.terminal("NotConfigured", "VM \(vmID) has no configuration for job \(job)")
                }
                do { try service.control("u") } catch { throw LocalError.wrap(error) }
            }
        }
    }

    public func stopJobs(vmID: String) async throws {
        try await offload { [self] in
            guard let vm = try read({ db in try vmRow(db, vmID) })?.vm, vm.state == .running else { return }
            for job in installedJobs(vmID) {
                let service = service(vmID, job)
                handOverLeadership(vm, job)
                do { try service.control("d", timeout: 5) } catch { continue }
                guard RunitService.wait(15, { service.status != .run }) else {
                    throw LocalError.retryable("StopTimeout", "job \(job) on VM \(vmID) did not stop within 15 s")
                }
            }
        }
    }

    public func restartJobs(vmID: String, jobs: [String]) async throws {
        try await offload { [self] in
            let vm = try runningVM(vmID)
            for job in jobs {
                let service = service(vmID, job)
                let before = service.pid
                handOverLeadership(vm, job)
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
    }

    /// Before an etcd member stops: if it leads, leadership moves to a peer while it still
    /// serves (`EtcdLeadership`); what happened goes to the VM's `agent.log`.
    private func handOverLeadership(_ vm: VM, _ job: String) {
        guard catalog.jobs[job]?.membership == "etcd", let address = vm.address, service(vm.id, job).status == .run else { return }
        guard let note = EtcdLeadership(address: address, tls: vmDirectory(vm.id) + "/jobs/" + job + "/tls/").handOver() else { return }
        let line = Array("\(ISO8601DateFormatter().string(from: now())) \(job): \(note)\n".utf8)
        // Appended in one write, never truncating what is there.
        let fd = open(vmDirectory(vm.id) + "/agent.log", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        _ = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    func installedJobs(_ vmID: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: vmDirectory(vmID) + "/service")) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    public func health(cluster: String) async throws -> [String: NodeHealth] {
        try await offload { [self] in
            let vms = try read { db in try Row.fetchAll(db, sql: "SELECT * FROM vms WHERE cluster = ? ORDER BY id", arguments: [cluster]).map { VMRow($0).vm } }
            var out: [String: NodeHealth] = [:]
            let at = now()
            for vm in vms where vm.state == .running {
                var jobs: [String: JobState] = [:]
                for job in installedJobs(vm.id) {
                    let state = jobState(vm, job)
                    jobs[job] = state
                    if state == .running, catalog.jobs[job]?.membership != nil { markFormed(vm, job) }
                }
                out[vm.id] = NodeHealth(vmID: vm.id, jobs: jobs, lastHeartbeat: at)
            }
            return out
        }
    }

    /// Remembers that the group's cluster of `job` (etcd) has run: from then on a member with
    /// no data never starts a new cluster, even when no peer answers (`EtcdMembership`).
    private func markFormed(_ vm: VM, _ job: String) {
        let path = LocalCloud.formedMarker(root: root, cluster: vm.cluster, group: vm.group, job: job)
        guard !FileManager.default.fileExists(atPath: path) else { return }
        try? FileManager.default.createDirectory(atPath: root + "/formed", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: Data())
    }

    /// runit's state, then the job's own health check: running only when both say so.
    func jobState(_ vm: VM, _ job: String) -> JobState {
        let service = service(vm.id, job)
        guard let status = service.status else { return .starting }
        switch status {
        case .down:
            if FileManager.default.fileExists(atPath: service.directory + "/down") { return .stopped }
            return recentStarts(vm.id, job) >= 5 ? .failed : .starting
        case .finish: return .failed
        case .run:
            let up = secondsUp(service)
            guard let check = catalog.jobs[job]?.health, let address = vm.address else { return up >= Self.settleSeconds ? .running : .starting }
            if HTTPProbe.isHealthy(address: address, port: check.port, path: check.path) {
                return up >= Self.settleSeconds ? .running : .starting
            }
            // Up for a while and still not healthy, or started again and again: failed.
            return up > 60 || recentStarts(vm.id, job) >= 5 ? .failed : .starting
        }
    }

    /// How often the job started in the last 30 s (`bosun agent run-job` notes each start):
    /// runsv restarts a job that exits every second, so a crash loop never looks `down` long;
    /// five starts in 30 s is one (a rollout or a rotation restarts a job far less often).
    func recentStarts(_ vmID: String, _ job: String) -> Int {
        guard let text = try? String(contentsOfFile: LocalAgent.startsPath(vmDirectory: vmDirectory(vmID), job: job), encoding: .utf8) else { return 0 }
        let since = now().timeIntervalSince1970 - 30
        return text.split(separator: "\n").compactMap { Double($0) }.filter { $0 >= since }.count
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
