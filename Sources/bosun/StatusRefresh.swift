import BosunController
import BosunPlanner
import BosunStore
import Foundation

/// `bosun status --refresh`: what the records say, corrected by an observation made now
/// (read-only, no lease, nothing written), so that `status` is true without `bosun run`. An
/// instance's state, health and load balancer membership come from the findings of that
/// observation; a cluster with findings is `drifted`, and its running and healthy counts drop
/// by the instances the findings take out.
struct StatusRefresh {
    /// One cluster, refreshed: its row, its instances, and the findings they came from.
    struct Refreshed: Encodable {
        var cluster: ClusterStatus
        var instances: [InstanceStatus]
        var findings: [DriftCommand.Item]
    }

    /// The cluster and instance rows with the findings applied.
    static func apply(_ findings: [Finding], to status: ClusterStatus, _ instances: [InstanceStatus]) -> Refreshed {
        let byInstance = Dictionary(grouping: findings.filter { $0.instance != nil }, by: { $0.instance! })
        var cluster = status
        cluster.lastObservedAt = StatusCommand.sqliteNow()
        var rows = instances
        var lostRunning = 0, lostHealthy = 0
        for i in rows.indices {
            let kinds = Set((byInstance[rows[i].instance] ?? []).map(\.kind))
            guard !kinds.isEmpty else { continue }
            let wasRunning = rows[i].state == "running", wasHealthy = rows[i].health == "healthy"
            if kinds.contains(.vmMissing) {
                rows[i].state = "missing"
                rows[i].health = "unknown"
            } else if kinds.contains(.vmStopped) {
                rows[i].state = "stopped"
                rows[i].health = "unhealthy"
            } else if kinds.contains(.jobFailed) || kinds.contains(.agentSilent) {
                rows[i].health = "unhealthy"
            }
            if kinds.contains(.lbMemberMissing) { rows[i].inLb = false }
            if kinds.contains(.lbMemberExtra) { rows[i].inLb = true }
            if wasRunning, rows[i].state != "running" { lostRunning += 1 }
            if wasHealthy, rows[i].health != "healthy" { lostHealthy += 1 }
        }
        cluster.running = max(0, cluster.running - lostRunning)
        cluster.healthy = max(0, cluster.healthy - lostHealthy)
        if !findings.isEmpty, cluster.phase == "converged" || cluster.phase == "pending" { cluster.phase = "drifted" }
        let items = findings.map { DriftCommand.Item(kind: $0.kind.rawValue, instance: $0.instance, resource: $0.resource, detail: $0.message) }
        return Refreshed(cluster: cluster, instances: rows, findings: items)
    }

    /// Observes `clusters` now and refreshes their rows. A cluster that is not reconciled
    /// (deleted) keeps its records; one that cannot be observed throws, naming it.
    static func observe(_ statuses: [ClusterStatus], store: Store, reconciler: Reconciler) async throws -> [Refreshed] {
        var out: [Refreshed] = []
        for status in statuses {
            let instances = try store.instanceStatuses(cluster: status.cluster)
            guard let drift = try await reconciler.drift(status.cluster) else {
                out.append(Refreshed(cluster: status, instances: instances, findings: []))
                continue
            }
            out.append(apply(drift.findings, to: status, instances))
        }
        return out
    }
}
