import BosunModel
import BosunProvider
import Foundation
import GRDB

/// The `local` provider: a cloud made of this machine's processes, so every claim Bosun makes
/// can be shown on one Linux box, unprivileged.
///
/// - A VM is a directory under `vms/` with its own loopback address (127.A.B.C, never
///   127.0.0.x) and its own runit supervision tree (`runsvdir`), in its own user and PID
///   namespaces when the kernel allows; its jobs run under `bosun agent run-job`. A crash is
///   the tree gone (`bosun local kill`); the VM then reports `stopped`.
/// - A disk is a directory under `disks/`, linked into the VM as `store`.
/// - A load balancer is an haproxy (TCP) on its own address, checking its members' health.
///
/// Records live in `local.db` under the root; every process that opens the root shares them.
public final class LocalCloud: Sendable {
    public let name = "local"
    /// The provider's directory (`--local-root`).
    public let root: String
    let state: LocalState
    let catalog: JobCatalog
    /// The catalog directory given to the agents, if the operator has one.
    let catalogDirectory: String?
    /// The `bosun` binary the VMs' run scripts exec as their agent.
    let agentBinary: String
    /// Whether VMs get their own user and PID namespaces (`unshare`); probed once.
    let namespaces: Bool
    let now: @Sendable () -> Date
    let ids: @Sendable (String) -> String
    /// The spec's `region` this handle serves: the address block of its clusters' new VMs.
    let region: String?

    /// Opens the provider at `root`, creating it. Throws a terminal `ProviderError` when the
    /// directory cannot be used or the job catalog is malformed.
    public init(
        root: String, catalogDirectory: String? = nil, agentBinary: String,
        now: @escaping @Sendable () -> Date = { Date() },
        ids: @escaping @Sendable (String) -> String = { prefix in prefix + "-" + UUID().uuidString.lowercased().prefix(8) }
    ) throws(ProviderError) {
        self.root = root
        self.catalogDirectory = catalogDirectory
        self.agentBinary = agentBinary
        self.now = now
        self.ids = ids
        region = nil
        do {
            state = try LocalState(root: root)
            catalog = try JobCatalog(directory: catalogDirectory)
        } catch {
            throw LocalError.terminal("LocalUnavailable", "local provider at \(root): \(error)")
        }
        namespaces = Self.probeNamespaces()
    }

    private init(_ base: LocalCloud, region: String?) {
        root = base.root
        state = base.state
        catalog = base.catalog
        catalogDirectory = base.catalogDirectory
        agentBinary = base.agentBinary
        namespaces = base.namespaces
        now = base.now
        ids = base.ids
        self.region = region
    }

    /// The same provider serving clusters whose spec says `region` (their address block).
    public func serving(region: String?) -> LocalCloud { LocalCloud(self, region: region) }

    /// Where the provider lives unless told otherwise: `BOSUN_LOCAL_ROOT`, else `bosun-local/`
    /// beside the state database.
    public static func defaultRoot(stateDatabase: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["BOSUN_LOCAL_ROOT"], !path.isEmpty { return path }
        return URL(fileURLWithPath: stateDatabase).deletingLastPathComponent().appendingPathComponent("bosun-local").path
    }

    func vmDirectory(_ id: String) -> String { root + "/vms/" + id }

    /// Exists once a group's membership job (etcd) has run healthy somewhere.
    static func formedMarker(root: String, cluster: String, group: String, job: String) -> String {
        root + "/formed/\(cluster).\(group).\(job)"
    }

    /// Runs blocking work (process spawns, polling, file locks, probes) on a thread of its own,
    /// never on one of Swift concurrency's few, which the controller's leases need.
    func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }
    func diskDirectory(_ id: String) -> String { root + "/disks/" + id }
    func lbDirectory(_ name: String) -> String { root + "/lbs/" + name }

    /// Unprivileged user namespaces are blocked in some containers; then a VM is a plain
    /// process tree, killed through /proc instead of by its namespace.
    private static func probeNamespaces() -> Bool {
        let probe = try? Command.run(["/usr/bin/unshare", "--user", "--map-root-user", "--pid", "--fork", "--kill-child", "/bin/true"])
        return probe?.status == 0
    }

    func read<T>(_ body: (Database) throws -> T) throws(ProviderError) -> T {
        do { return try state.queue.read(body) } catch { throw LocalError.wrap(error) }
    }

    func write<T>(_ body: (Database) throws -> T) throws(ProviderError) -> T {
        do { return try state.queue.write(body) } catch { throw LocalError.wrap(error) }
    }

    /// The address block `127.A.B` of a cluster: the spec's `region` when it names one, else
    /// the next free block from 127.1.1 on. Kept for the cluster's life.
    func block(_ db: Database, cluster: String, region: String?) throws -> String {
        if let prefix = try String.fetchOne(db, sql: "SELECT prefix FROM blocks WHERE cluster = ?", arguments: [cluster]) { return prefix }
        var prefix: String
        if let region, LoopbackBlock.isValid(region) {
            prefix = region
            if let owner = try String.fetchOne(db, sql: "SELECT cluster FROM blocks WHERE prefix = ?", arguments: [prefix]) {
                throw LocalError.terminal("AddressInUse", "address block \(prefix) (region) already belongs to cluster \(owner)")
            }
        } else {
            let taken = Set(try String.fetchAll(db, sql: "SELECT prefix FROM blocks"))
            guard let free = (1...254).lazy.flatMap({ a in (1...254).lazy.map { "127.\(a).\($0)" } }).first(where: { !taken.contains($0) }) else {
                throw LocalError.terminal("AddressesExhausted", "no free 127.A.B block")
            }
            prefix = free
        }
        try db.execute(sql: "INSERT INTO blocks (cluster, prefix) VALUES (?, ?)", arguments: [cluster, prefix])
        return prefix
    }
}
