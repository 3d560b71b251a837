import BosunProvider
import Foundation
import GRDB

extension LocalCloud {
    public func listMembers(lb: String) async throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT vm_id FROM lb_members WHERE lb = ? ORDER BY vm_id", arguments: [lb]) }
    }

    public func register(lb: String, vmID: String) async throws {
        try await offload { [self] in
            guard let vm = try read({ db in try vmRow(db, vmID) })?.vm else { throw LocalError.terminal("NotFound", "VM \(vmID) does not exist") }
            let (port, check) = try balancedPort(vmID)
            try withLock(lb) {
                try write { db in
                    if let owner = try String.fetchOne(db, sql: "SELECT cluster FROM lbs WHERE name = ?", arguments: [lb]), owner != vm.cluster {
                        throw LocalError.terminal("AlreadyExists", "load balancer \(lb) belongs to cluster \(owner); name another one for \(vm.cluster)")
                    }
                    if try Row.fetchOne(db, sql: "SELECT 1 FROM lbs WHERE name = ?", arguments: [lb]) == nil {
                        let prefix = try block(db, cluster: vm.cluster, region: region)
                        let taken = Set(try String.fetchAll(db, sql: "SELECT address FROM lbs"))
                        guard let address = (1...9).map({ "\(prefix).\($0)" }).first(where: { !taken.contains($0) }) else {
                            throw LocalError.terminal("AddressesExhausted", "block \(prefix) has no free load balancer address (.1–.9)")
                        }
                        try db.execute(
                            sql: "INSERT INTO lbs (name, cluster, address, port, check_port, check_path) VALUES (?, ?, ?, ?, ?, ?)",
                            arguments: [lb, vm.cluster, address, port, check?.port, check?.path])
                    }
                    try db.execute(sql: "INSERT OR IGNORE INTO lb_members (lb, vm_id) VALUES (?, ?)", arguments: [lb, vmID])
                }
                // Applied even when it was a member already: a crashed haproxy is started again.
                try reconfigureLocked(lb)
            }
        }
    }

    public func deregister(lb: String, vmID: String) async throws {
        guard let balancer = try balancer(lb) else { return }
        let member = try read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM lb_members WHERE lb = ? AND vm_id = ?", arguments: [lb, vmID]) ?? false }
        guard member else { return }
        let grace = (try? drainGrace(vmID)) ?? Self.defaultDrainGrace
        try await offload { [self] in
            try withLock(lb) {
                // Drain first, under the lock (a reload meanwhile would put the member back
                // into rotation): no new connection goes to it, and the ones it serves get
                // until they end, at most the job's grace.
                if let handle = try lbHandle(lb), ProcessTree.isAlive(handle), balancer.drain(vmID, grace: grace) == nil, grace > 0 {
                    // haproxy could not be asked: the whole grace, blind, is the best left.
                    Thread.sleep(forTimeInterval: grace)
                }
                try write { db in try db.execute(sql: "DELETE FROM lb_members WHERE lb = ? AND vm_id = ?", arguments: [lb, vmID]) }
                try reconfigureLocked(lb)
            }
        }
    }

    /// Stops and forgets the load balancers of a cluster that has no VM left (its teardown):
    /// they came with its first member, and no haproxy outlives its cluster. A balancer keeps
    /// its address while any VM of the cluster exists, even with no member (a one-instance
    /// group restarting), so certificates naming it stay right.
    func releaseLoadBalancers(ofEmptyCluster cluster: String) throws(ProviderError) {
        let names = try read { db -> [String] in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM vms WHERE cluster = ?", arguments: [cluster]) == 0 else { return [] }
            return try String.fetchAll(db, sql: "SELECT name FROM lbs WHERE cluster = ?", arguments: [cluster])
        }
        for lb in names {
            try withLock(lb) {
                let handle = try lbHandle(lb)
                let gone = try write { db -> Bool in
                    guard try Int.fetchOne(db, sql: "SELECT count(*) FROM vms WHERE cluster = ?", arguments: [cluster]) == 0 else { return false }
                    try db.execute(sql: "DELETE FROM lbs WHERE name = ?", arguments: [lb])
                    return true
                }
                if gone {
                    if let handle { ProcessTree.killTree(handle) }
                    try? FileManager.default.removeItem(atPath: lbDirectory(lb))
                }
            }
        }
    }

    func balancer(_ lb: String) throws(ProviderError) -> HAProxyBalancer? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT address FROM lbs WHERE name = ?", arguments: [lb]).map {
                HAProxyBalancer(directory: lbDirectory(lb), name: lb, address: $0)
            }
        }
    }

    private func lbHandle(_ lb: String) throws(ProviderError) -> ProcessTree.Handle? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT pid, pid_start FROM lbs WHERE name = ? AND pid IS NOT NULL", arguments: [lb]).map {
                ProcessTree.Handle(pid: $0["pid"], start: $0["pid_start"])
            }
        }
    }

    /// Runs `body` holding the load balancer's lock: one membership change at a time per load
    /// balancer, across every process that opens the root. The lock file lives beside the
    /// load balancer's directory, which goes when its last member does.
    private func withLock<T>(_ lb: String, _ body: () throws -> T) throws(ProviderError) -> T {
        do {
            try FileManager.default.createDirectory(atPath: root + "/lbs", withIntermediateDirectories: true)
            return try FileLock.with(root + "/lbs/." + lb + ".lock", body)
        } catch {
            throw LocalError.wrap(error)
        }
    }

    /// Rewrites the load balancer's config from its members and starts or reloads haproxy.
    private func reconfigureLocked(_ lb: String) throws {
        let (row, members) = try read { db -> (Row?, [HAProxyBalancer.Member]) in
            let row = try Row.fetchOne(db, sql: "SELECT * FROM lbs WHERE name = ?", arguments: [lb])
            let members = try Row.fetchAll(
                db, sql: "SELECT m.vm_id, v.address FROM lb_members m JOIN vms v ON v.id = m.vm_id WHERE m.lb = ?", arguments: [lb]
            ).map { HAProxyBalancer.Member(vmID: $0["vm_id"], address: $0["address"]) }
            return (row, members)
        }
        guard let row else { return }
        let balancer = HAProxyBalancer(directory: lbDirectory(lb), name: lb, address: row["address"])
        let port: Int = row["port"] ?? 80
        let text = balancer.config(port: port, checkPort: row["check_port"], checkPath: row["check_path"], members: members)
        let pid: Int32? = row["pid"]
        let start: Int64? = row["pid_start"]
        let running = pid.flatMap { p in start.map { ProcessTree.Handle(pid: p, start: $0) } }
        let handle: ProcessTree.Handle
        do { handle = try balancer.apply(config: text, running: running, members: Set(members.map(\.vmID))) } catch { throw LocalError.wrap(error) }
        if handle != running {
            try write { db in try db.execute(sql: "UPDATE lbs SET pid = ?, pid_start = ? WHERE name = ?", arguments: [handle.pid, handle.start, lb]) }
        }
    }

    /// The port a load balancer forwards and the health check it uses: from the first of the
    /// VM's jobs whose definition names a `loadBalancer` port.
    private func balancedPort(_ vmID: String) throws(ProviderError) -> (Int, JobDefinition.HealthCheck?) {
        let jobs = (try? configuration(vmID))??.jobs ?? []
        for name in jobs {
            if let job = catalog.jobs[name], let lb = job.loadBalancer { return (lb.port, job.health) }
        }
        throw LocalError.terminal("InvalidParameter", "VM \(vmID) runs no job with a loadBalancer port (\(jobs.joined(separator: ", ")))")
    }

    /// How long a drained member's open connections get when its jobs name no grace.
    static let defaultDrainGrace = 5.0

    private func drainGrace(_ vmID: String) throws -> Double {
        let jobs = (try? configuration(vmID))??.jobs ?? []
        return jobs.compactMap { catalog.jobs[$0]?.drain?.graceSeconds }.max() ?? Self.defaultDrainGrace
    }

    /// Load balancers with their address, port, process state and members (`bosun local lbs`).
    public func loadBalancers() throws(ProviderError) -> [LocalLoadBalancer] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM lbs ORDER BY name").map { row in
                let name: String = row["name"]
                let pid: Int32? = row["pid"]
                let start: Int64? = row["pid_start"]
                let alive = pid.flatMap { p in start.map { ProcessTree.isAlive(ProcessTree.Handle(pid: p, start: $0)) } } ?? false
                let members = try String.fetchAll(db, sql: "SELECT vm_id FROM lb_members WHERE lb = ? ORDER BY vm_id", arguments: [name])
                let address: String = row["address"]
                let port: Int? = row["port"]
                var status: [String: String] = [:]
                if alive { status = (try? HAProxyBalancer(directory: lbDirectory(name), name: name, address: address).serverStatus()) ?? [:] }
                return LocalLoadBalancer(
                    name: name, cluster: row["cluster"], listen: "\(address):\(port ?? 0)", running: alive,
                    members: members.map { LocalLoadBalancer.Member(vmID: $0, status: status[$0] ?? "-") })
            }
        }
    }
}

/// A load balancer as `bosun local lbs` shows it.
public struct LocalLoadBalancer: Sendable, Codable {
    public var name: String
    public var cluster: String
    public var listen: String
    public var running: Bool
    public var members: [Member]

    public struct Member: Sendable, Codable {
        public var vmID: String
        /// haproxy's view: UP, DOWN, DRAIN, MAINT, or `-` when it does not run.
        public var status: String
    }
}
