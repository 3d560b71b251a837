import BosunModel
import BosunPlanner
import BosunStore
import Foundation

/// What observing a cluster now finds, and the plan a pass would make (`bosun plan`, `bosun drift`).
public struct Drift: Sendable {
    public var plan: Plan
    public var findings: [Finding]
    public var mode: HealingMode
}

extension Reconciler {
    /// Clusters on one provider from which `drift(_:)` observes them in one inventory sweep
    /// rather than four calls each; below it, per-cluster calls are cheaper than a sweep of
    /// everything the provider holds.
    public static let bulkThreshold = 8

    /// `drift(_:)` for many clusters, in the order given, leaving out those not reconciled.
    /// A cluster whose settled mark still holds (`Store.settledClusters`: records unchanged since
    /// a pass found nothing to do) and whose observation still fingerprints the same gets the
    /// empty plan that pass made, without its spec being decoded or planned; the others are read
    /// (in one transaction) and planned. Each provider that offers `InventoryProvider` is observed
    /// in one sweep when it serves `bulkThreshold` clusters or more (else, or when the sweep
    /// cannot be read, cluster by cluster, so a failure names its cluster). Throws the first
    /// `ObservationFailure`, like `drift(_:)`.
    public func driftAll(_ clusters: [String]) async throws -> [Drift] {
        let marks = try store.settledClusters(Set(clusters))
        let unsettled = try store.clusterStates(clusters.filter { marks[$0] == nil }).filter(\.lifecycle.isReconciled)
        let states = Dictionary(unsettled.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        // What to observe: cluster → (provider, load balancers).
        var targets: [String: (provider: ProviderKind, lbs: Set<String>)] = [:]
        for (name, found) in marks { targets[name] = (found.provider, found.mark.loadBalancers) }
        for state in unsettled { targets[state.name] = (state.spec.provider, state.loadBalancers) }

        var observations: [String: Observed] = [:]
        for (kind, group) in Dictionary(grouping: targets, by: \.value.provider) {
            let handle = try providers.handle(kind)
            guard group.count >= Self.bulkThreshold, Observer.canObserveAll(handle) else { continue }
            let lbs = Dictionary(group.map { ($0.key, $0.value.lbs) }, uniquingKeysWith: { a, b in a.union(b) })
            if let swept = try? await Observer.observeAll(handle: handle, loadBalancers: lbs) {
                observations.merge(swept) { a, _ in a }
            }
        }
        var out: [Drift] = []
        out.reserveCapacity(targets.count)
        for name in clusters {
            guard let target = targets.removeValue(forKey: name) else { continue }
            let observed: Observed
            if let swept = observations.removeValue(forKey: name) {
                observed = swept
            } else {
                observed = try await Observer(handle: try providers.handle(target.provider), cluster: name).observe(loadBalancers: target.lbs)
            }
            if let found = marks[name],
                let before = ObservationFingerprint(hex: found.mark.observation, agentTimeout: found.mark.agentTimeout),
                ObservationFingerprint(observed, agentTimeout: before.agentTimeout, at: observed.observedAt ?? Date()) == before
            {
                out.append(Drift(plan: Plan(cluster: name), findings: [], mode: .heal))
                continue
            }
            // Not settled, or the cloud changed since: read and plan it in full.
            guard let state = try states[name] ?? store.clusterState(name), state.lifecycle.isReconciled else { continue }
            let full = state.loadBalancers == target.lbs ? observed
                : try await Observer(handle: try providers.handle(state.spec.provider), cluster: name).observe(loadBalancers: state.loadBalancers)
            out.append(drift(state, full))
        }
        return out
    }
}
