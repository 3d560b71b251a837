import BosunProvider
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

extension LocalCloud: InfrastructureProvider {
    struct VMRow {
        var vm: VM
        var handle: ProcessTree.Handle?

        init(_ row: Row) {
            let pid: Int32? = row["pid"]
            let start: Int64? = row["pid_start"]
            handle = pid.flatMap { p in start.map { ProcessTree.Handle(pid: p, start: $0) } }
            let recorded = VMState(rawValue: row["state"]) ?? .stopped
            // A VM whose process tree is gone has crashed: it reports stopped, and starting it
            // boots it again with its disk.
            let alive = handle.map(ProcessTree.isAlive) ?? false
            vm = VM(
                id: row["id"], cluster: row["cluster"], group: row["grp"], index: row["idx"], instanceID: row["instance_id"],
                az: row["az"], vmType: row["vm_type"], image: row["image"], state: recorded == .running && !alive ? .stopped : recorded,
                idempotencyKey: row["idempotency_key"], address: row["address"])
        }
    }

    func vmRow(_ db: Database, _ id: String) throws -> VMRow? {
        try Row.fetchOne(db, sql: "SELECT * FROM vms WHERE id = ?", arguments: [id]).map(VMRow.init)
    }

    public func listVMs(cluster: String) async throws -> [VM] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM vms WHERE cluster = ? ORDER BY id", arguments: [cluster]).map { VMRow($0).vm } }
    }

    public func createVM(_ request: VMRequest) async throws -> VM {
        try await offload { [self] in
            if let existing = try read({ db in try Row.fetchOne(db, sql: "SELECT * FROM vms WHERE idempotency_key = ?", arguments: [request.idempotencyKey]) }) {
                return VMRow(existing).vm
            }
            let id = ids("vm")
            let address: String = try write { db in
                let prefix = try block(db, cluster: request.cluster, region: region)
                return try self.address(db, for: request.instanceID, cluster: request.cluster, prefix: prefix)
            }
            let directory = vmDirectory(id)
            do {
                // The VM's directory holds its configuration and its jobs' keys: its own only.
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                chmod(directory, 0o700)
                for sub in ["service", "jobs", "logs", "ephemeral"] {
                    try FileManager.default.createDirectory(atPath: directory + "/" + sub, withIntermediateDirectories: true)
                }
            } catch {
                throw LocalError.terminal("LocalFailure", "cannot create \(directory): \(error)")
            }
            let handle = try boot(id)
            return try write { db in
                // Two creates with one key racing: the first insert wins, the loser's tree goes.
                if let existing = try Row.fetchOne(db, sql: "SELECT * FROM vms WHERE idempotency_key = ?", arguments: [request.idempotencyKey]) {
                    ProcessTree.killTree(handle)
                    try? FileManager.default.removeItem(atPath: directory)
                    return VMRow(existing).vm
                }
                try db.execute(
                    sql: """
                        INSERT INTO vms (id, cluster, grp, idx, instance_id, az, vm_type, image, idempotency_key, address, state, pid, pid_start, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)
                        """,
                    arguments: [
                        id, request.cluster, request.group, request.index, request.instanceID, request.az, request.vmType, request.image,
                        request.idempotencyKey, address, handle.pid, handle.start, now().timeIntervalSince1970,
                    ])
                return VM(
                    id: id, cluster: request.cluster, group: request.group, index: request.index, instanceID: request.instanceID,
                    az: request.az, vmType: request.vmType, image: request.image, state: .running, idempotencyKey: request.idempotencyKey,
                    address: address)
            }
        }
    }

    /// The instance's address: the one it had, else the next free one from .10 in its block.
    /// An instance keeps its address for life, so a member replaced on a new VM keeps its
    /// peer URL and certificate names.
    private func address(_ db: Database, for instance: String, cluster: String, prefix: String) throws -> String {
        if let known = try String.fetchOne(db, sql: "SELECT address FROM addresses WHERE instance_id = ?", arguments: [instance]) { return known }
        let taken = Set(try String.fetchAll(db, sql: "SELECT address FROM addresses WHERE address LIKE ?", arguments: [prefix + ".%"]))
        guard let free = (10...254).map({ "\(prefix).\($0)" }).first(where: { !taken.contains($0) }) else {
            throw LocalError.terminal("AddressesExhausted", "block \(prefix) of cluster \(cluster) has no free address")
        }
        try db.execute(sql: "INSERT INTO addresses (instance_id, cluster, address) VALUES (?, ?, ?)", arguments: [instance, cluster, free])
        return free
    }

    /// Starts the VM's supervision tree: runsvdir over its `service/`, in its own namespaces
    /// when allowed.
    func boot(_ id: String) throws(ProviderError) -> ProcessTree.Handle {
        let directory = vmDirectory(id)
        var argv = ["/usr/bin/runsvdir", "-P", directory + "/service"]
        if namespaces { argv = ["/usr/bin/unshare", "--user", "--map-root-user", "--pid", "--fork", "--kill-child"] + argv }
        do {
            return try ProcessTree.spawnDetached(argv, log: directory + "/console.log")
        } catch {
            throw LocalError.wrap(error)
        }
    }

    public func deleteVM(id: String) async throws {
        try await offload { [self] in
            guard let row = try read({ db in try vmRow(db, id) }) else { return }
            if let handle = row.handle { ProcessTree.killTree(handle) }
            try write { db in
                try db.execute(sql: "UPDATE disks SET attached_to = NULL WHERE attached_to = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM lb_members WHERE vm_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM vms WHERE id = ?", arguments: [id])
            }
            // The disk link goes with the directory (removal never follows a link); the disk's own
            // directory stays.
            try? FileManager.default.removeItem(atPath: vmDirectory(id))
            try releaseLoadBalancers(ofEmptyCluster: row.vm.cluster)
        }
    }

    public func startVM(id: String) async throws {
        try await offload { [self] in
            guard let row = try read({ db in try vmRow(db, id) }) else { throw LocalError.terminal("NotFound", "VM \(id) does not exist") }
            if row.vm.state == .running { return }
            // Alive after all (looked at again): it is running, not something to boot over.
            if let handle = row.handle, ProcessTree.isAlive(handle) {
                try write { db in try db.execute(sql: "UPDATE vms SET state = 'running' WHERE id = ?", arguments: [id]) }
                return
            }
            // Services come back as they were wanted: runsv starts those without a `down` file.
            let handle = try boot(id)
            try write { db in
                try db.execute(sql: "UPDATE vms SET state = 'running', pid = ?, pid_start = ?, died_at = NULL WHERE id = ?", arguments: [handle.pid, handle.start, id])
            }
        }
    }

    public func stopVM(id: String) async throws {
        try await offload { [self] in
            guard let row = try read({ db in try vmRow(db, id) }) else { throw LocalError.terminal("NotFound", "VM \(id) does not exist") }
            if let handle = row.handle { ProcessTree.killTree(handle) }
            try write { db in try db.execute(sql: "UPDATE vms SET state = 'stopped', pid = NULL, pid_start = NULL WHERE id = ?", arguments: [id]) }
        }
    }

    /// Kills the VM's whole process tree at once, as a crash would (`bosun local kill`).
    /// Returns false when the VM does not exist.
    public func crash(vmID: String) throws(ProviderError) -> Bool {
        guard let row = try read({ db in try vmRow(db, vmID) }) else { return false }
        if let handle = row.handle { ProcessTree.killTree(handle) }
        return true
    }
}
