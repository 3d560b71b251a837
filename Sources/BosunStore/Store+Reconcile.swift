import BosunModel
import BosunPlanner
import BosunProvider
import BosunSpec
import Foundation
import GRDB

/// What one reconcile pass reads from the database about a cluster.
public struct ClusterState: Sendable {
    public var name: String
    public var spec: ClusterSpec
    public var generation: Int
    public var lifecycle: ClusterIndexEntry.Lifecycle
    public var recorded: Recorded
    /// Load balancers the spec names or the records remember.
    public var loadBalancers: Set<String>
    /// `cluster_revisions.revision` when this was read: bumped (by triggers, v0008) by every
    /// write that could change anything above, so an equal revision later means equal state.
    public var revision: Int64 = 0

    /// A digest of everything above a pass plans from (not the revision), for comparisons
    /// within one process (`Hasher` is seeded per process).
    public var digest: Int {
        var h = Hasher()
        h.combine(generation)
        h.combine(lifecycle)
        h.combine(spec)
        h.combine(recorded)
        h.combine(loadBalancers)
        return h.finalize()
    }
}

extension Store {
    /// Clusters a controller should reconcile: in effect (active, or its file missing while a
    /// deletion clock runs or a mass removal holds it) or being torn down.
    public func reconcilableClusters() throws -> [String] {
        try pool.read { db in
            try String.fetchAll(
                db.cachedStatement(sql: "SELECT name FROM clusters WHERE lifecycle IN ('active', 'pending-deletion', 'held', 'deleting') ORDER BY name"))
        }
    }

    /// Desired and recorded state of one cluster, or nil if there is no such cluster.
    public func clusterState(_ name: String) throws -> ClusterState? {
        try pool.read { db in try clusterState(db, name) }
    }

    /// The states of `names` (in that order; unknown names are left out), read in one
    /// transaction: what `bosun plan` and `bosun drift` read for thousands of clusters.
    public func clusterStates(_ names: [String]) throws -> [ClusterState] {
        try pool.read { db in try names.compactMap { try clusterState(db, $0) } }
    }

    private func clusterState(_ db: Database, _ name: String) throws -> ClusterState? {
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: """
            SELECT spec_json, spec_hash, generation, lifecycle,
                   coalesce((SELECT revision FROM cluster_revisions WHERE cluster = name), 0) AS records_revision
            FROM clusters WHERE name = ?
            """),
            arguments: [name])
        else { return nil }
        let spec = try decodeSpec(json: row["spec_json"], hash: row["spec_hash"])
        let instances = try Row.fetchAll(
            try db.cachedStatement(sql: """
                SELECT i.id, i.group_name, i.idx, i.az, i.vm_id, i.applied_hash, i.heal_restarts,
                       (SELECT d.id FROM disks d WHERE d.instance_id = i.id AND d.state IN ('attached', 'detached')
                         ORDER BY d.created_at DESC LIMIT 1) AS disk_id
                FROM instances i WHERE i.cluster = ?
                """),
            arguments: [name]
        ).map { row -> InstanceRecord in
            var record = InstanceRecord(
                id: row["id"], group: row["group_name"], index: row["idx"], az: row["az"], vmID: row["vm_id"],
                appliedHash: row["applied_hash"], diskID: row["disk_id"])
            record.healRestarts = row["heal_restarts"]
            return record
        }
        // Keys of pruned journal rows live on in known_keys (Store.prune).
        let keys = try String.fetchAll(
            db.cachedStatement(sql: """
                SELECT idempotency_key FROM actions WHERE cluster = ? AND kind = 'create-vm'
                UNION ALL SELECT key FROM known_keys WHERE cluster = ? AND kind = 'create-vm'
                """),
            arguments: [name, name])
        let orphans = try String.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM disks WHERE cluster = ? AND state IN ('orphaned', 'deleted')"), arguments: [name])
        let readoptable = try String.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM disks WHERE cluster = ? AND state = 'orphaned' ORDER BY orphaned_at DESC, id DESC"),
            arguments: [name])
        let lbs = try String.fetchAll(
            db.cachedStatement(sql: "SELECT DISTINCT m.lb FROM lb_members m JOIN instances i ON i.id = m.instance_id WHERE i.cluster = ?"),
            arguments: [name])
        let tokens = spec.variables?.isEmpty == false ? try Self.credentialSet(db, cluster: name).tokens : [:]
        return ClusterState(
            name: name, spec: spec, generation: row["generation"],
            lifecycle: ClusterIndexEntry.Lifecycle(rawValue: row["lifecycle"]) ?? .active,
            recorded: Recorded(
                instances: instances, knownKeys: Set(keys), orphanedDisks: Set(orphans), readoptable: readoptable,
                credentialTokens: tokens),
            loadBalancers: Set(lbs).union(spec.groups.compactMap(\.loadBalancer)),
            revision: row["records_revision"])
    }

    /// The records revision of `name` (`cluster_revisions`; nil: no such cluster): one indexed read, the
    /// fast path's whole question when nothing was written since a cluster settled.
    public func recordsRevision(_ name: String) throws -> Int64? {
        try pool.read { db in
            try Int64.fetchOne(db.cachedStatement(sql: """
                SELECT coalesce((SELECT revision FROM cluster_revisions WHERE cluster = name), 0) FROM clusters WHERE name = ?
                """), arguments: [name])
        }
    }

    /// Brings the instance rows' state and health in line with what was just observed.
    /// Most passes change nothing here: that is answered from a read, without a write.
    public func refreshInstances(cluster: String, observed: Observed) throws {
        let vms = Dictionary(observed.vms.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func changes(_ db: Database) throws -> [(id: String, state: String, health: String)] {
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT id, vm_id, state, health FROM instances WHERE cluster = ?"), arguments: [cluster])
            return rows.compactMap { row in
                let vmID: String? = row["vm_id"]
                let vm = vmID.flatMap { vms[$0] }
                let state: String
                switch vm?.state {
                case .running?: state = "running"
                case .stopped?: state = "stopped"
                case .creating?: state = "creating"
                case nil: state = "missing"
                }
                var health = "unknown"
                if let vm, let report = observed.health[vm.id] { health = report.isHealthy ? "healthy" : "unhealthy" }
                return state != row["state"] || health != row["health"] ? (row["id"], state, health) : nil
            }
        }
        guard try !pool.read(changes).isEmpty else { return }
        try write { db in
            for change in try changes(db) {
                // Seen healthy: a later failure starts the restart count again.
                try db.cachedStatement(sql: """
                        UPDATE instances SET state = ?, health = ?, updated_at = ?,
                            heal_restarts = CASE WHEN ? = 'healthy' THEN 0 ELSE heal_restarts END
                        WHERE id = ?
                        """).execute(
                    arguments: [change.state, change.health, now(), change.health, change.id])
            }
        }
    }

    /// Records the end of a pass: phase, error, the generation converged to, and what a pass
    /// that found nothing to do saw (`settled`; nil forgets the last one).
    public func finishPass(cluster: String, phase: String, error: String?, convergedGeneration: Int?, settled: SettledMark? = nil) throws {
        try write { db in
            if phase == "converged" {
                try Self.noteConverged(db, cluster: cluster, generation: convergedGeneration, at: now())
                // What it converged to, for `plan`'s before → after (no row write when unchanged).
                try db.cachedStatement(sql: "UPDATE clusters SET applied_spec_json = spec_json WHERE name = ? AND applied_spec_json IS NOT spec_json")
                    .execute(arguments: [cluster])
            }
            try db.cachedStatement(sql: """
                    UPDATE clusters SET phase = ?, last_error = ?, last_pass_at = ?, updated_at = ?,
                        observed_generation = coalesce(?, observed_generation),
                        settled_revision = ?, settled_observation = ?, settled_agent_timeout = ?, settled_load_balancers = ?
                    WHERE name = ?
                    """).execute(
                arguments: [
                    phase, error, now(), now(), convergedGeneration, settled?.revision, settled?.observation, settled?.agentTimeout,
                    settled.map { $0.loadBalancers.sorted().joined(separator: " ") }, cluster,
                ])
        }
    }

    /// A `converged` event when a cluster converges after a change: how long since the first
    /// plan after its last convergence, and how many actions succeeded since. Nothing when it
    /// was converged already (a scheduled pass that found nothing to do).
    static func noteConverged(_ db: Database, cluster: String, generation: Int?, at: StoredTime) throws {
        guard let before = try String.fetchOne(
            db.cachedStatement(sql: "SELECT phase FROM clusters WHERE name = ?"), arguments: [cluster]),
            before != "converged"
        else { return }
        let since = try String.fetchOne(db.cachedStatement(sql: """
                SELECT min(at) FROM events WHERE cluster = ?1 AND kind = 'plan-started'
                  AND id > coalesce((SELECT max(id) FROM events WHERE cluster = ?1 AND kind = 'converged'), 0)
                """), arguments: [cluster])
        guard let since else { return }
        let seconds = try Double.fetchOne(
            db.cachedStatement(sql: "SELECT (julianday(?) - julianday(?)) * 86400"), arguments: [at, since]) ?? 0
        let actions = try Int.fetchOne(
            db.cachedStatement(sql: "SELECT count(*) FROM actions WHERE cluster = ? AND state = 'succeeded' AND finished_at >= ?"),
            arguments: [cluster, since]) ?? 0
        let what = generation.map { "generation \($0)" } ?? "the cluster"
        try db.cachedStatement(sql: "INSERT INTO events (at, cluster, instance, kind, message) VALUES (?, ?, NULL, 'converged', ?)")
            .execute(arguments: [at, cluster, "\(what) converged in \(String(format: "%.1f", max(0, seconds))) s after \(counted(actions, "action"))"])
    }

    /// Marks a torn-down cluster deleted.
    public func markDeleted(cluster: String) throws {
        try write { db in
            try db.cachedStatement(sql: "UPDATE clusters SET lifecycle = 'deleted', phase = 'converged', updated_at = ? WHERE name = ?")
                .execute(arguments: [now(), cluster])
            try insertEvent(db, cluster: cluster, instance: nil, kind: "cluster-deleted",
                            message: "every VM is gone; disks are kept as orphans (bosun disks orphaned)")
        }
    }

    /// How a deleted cluster went: `operator` (`bosun delete`) or `spec-removed`, with its spec
    /// file and when; nil when the cluster is not deleted.
    public func deletion(of cluster: String) throws -> (by: String, path: String, at: String)? {
        try pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT deletion_requested_by, source_path, updated_at FROM clusters WHERE name = ? AND lifecycle = 'deleted'"),
                arguments: [cluster]
            ).map { (($0["deletion_requested_by"] as String?) ?? "spec-removed", $0["source_path"], $0["updated_at"]) }
        }
    }

    /// Brings back a cluster an operator deleted while its spec file stayed (`bosun apply NAME`):
    /// active again, at a new generation, so the next pass creates it from that spec. Throws
    /// `notFound` unless the cluster is deleted by an operator.
    public func restoreDeleted(cluster: String) throws {
        try write { db in
            try db.cachedStatement(sql: """
                    UPDATE clusters SET lifecycle = 'active', deletion_requested_by = NULL, phase = 'pending',
                        generation = generation + 1, updated_at = ?
                    WHERE name = ? AND lifecycle = 'deleted' AND deletion_requested_by = 'operator'
                    """).execute(arguments: [now(), cluster])
            guard db.changesCount == 1 else { throw StoreError.notFound("cluster '\(cluster)' deleted by an operator") }
            try insertEvent(
                db, cluster: cluster, instance: nil, kind: "cluster-restored",
                message: "brought back by an operator (bosun apply \(cluster)) from its unchanged spec file")
        }
    }

    /// `bosun delete`: starts an operator-requested teardown.
    public func requestDeletion(cluster: String) throws {
        try write { db in
            try db.cachedStatement(sql: """
                    UPDATE clusters SET lifecycle = 'deleting', deletion_requested_by = 'operator', phase = 'pending',
                        missing_since = NULL, teardown_at = NULL, updated_at = ? WHERE name = ?
                    """).execute(
                arguments: [now(), cluster])
            guard db.changesCount == 1 else { throw StoreError.notFound("cluster '\(cluster)'") }
            try insertEvent(db, cluster: cluster, instance: nil, kind: "cluster-deleting", message: "teardown requested by an operator (bosun delete)")
        }
    }

    /// The VM the database says an instance currently has.
    static func instanceVM(_ db: Database, _ instance: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT vm_id FROM instances WHERE id = ?"), arguments: [instance])
    }

    /// The disk the database says an instance currently has.
    static func instanceDisk(_ db: Database, _ instance: String) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM disks WHERE instance_id = ? AND state IN ('attached', 'detached') ORDER BY created_at DESC LIMIT 1"),
            arguments: [instance])
    }
}
