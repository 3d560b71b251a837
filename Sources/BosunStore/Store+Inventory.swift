import BosunModel
import Foundation
import GRDB

/// What the drift sweep needs about one reconcilable cluster, read for every cluster at once.
public struct SweepTarget: Sendable, Hashable {
    public var cluster: String
    public var provider: ProviderKind
    /// Load balancers the spec names or the records remember (as `ClusterState.loadBalancers`).
    public var loadBalancers: Set<String>
    /// An operator asked to heal despite a meltdown (`bosun heal resume`); the next pass is due.
    public var healOverride: Bool

    public init(cluster: String, provider: ProviderKind, loadBalancers: Set<String>, healOverride: Bool) {
        self.cluster = cluster
        self.provider = provider
        self.loadBalancers = loadBalancers
        self.healOverride = healOverride
    }
}

extension Store {
    /// Every reconcilable cluster (`reconcilableClusters()`) with its provider, load balancers
    /// and heal override, in one read transaction of two statements, whatever the number of
    /// clusters, ordered by name. The spec's load balancers come from the canonical JSON in SQL,
    /// so a sweep decodes no spec.
    public func sweepTargets() throws -> [SweepTarget] {
        try pool.read { db in
            let reconcilable = "lifecycle IN ('active', 'pending-deletion', 'held', 'deleting')"
            var targets: [SweepTarget] = []
            var index: [String: Int] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT name, provider, heal_override FROM clusters WHERE \(reconcilable) ORDER BY name")
            while let row = try rows.next() {
                guard let provider = ProviderKind(rawValue: row[1]) else { continue }
                index[row[0]] = targets.count
                targets.append(SweepTarget(cluster: row[0], provider: provider, loadBalancers: [], healOverride: row[2]))
            }
            let named = try Row.fetchCursor(
                db,
                sql: """
                    SELECT c.name, json_extract(g.value, '$.loadBalancer') FROM clusters c, json_each(c.spec_json, '$.groups') g
                    WHERE c.\(reconcilable) AND json_extract(g.value, '$.loadBalancer') IS NOT NULL
                    UNION
                    SELECT DISTINCT i.cluster, m.lb FROM lb_members m JOIN instances i ON i.id = m.instance_id
                    """)
            while let row = try named.next() {
                guard let at = index[row[0]] else { continue }
                targets[at].loadBalancers.insert(row[1])
            }
            return targets
        }
    }
}
