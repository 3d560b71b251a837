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
        // Marks are used only where the provider does not depend on the spec (not aws, whose
        // handle needs the spec's region): there the spec is read anyway.
        let marks = try store.settledClusters(Set(clusters)).filter { !providers.isResolvedPerSpec($0.value.provider) }
        let unsettled = try store.clusterStates(clusters.filter { marks[$0] == nil }).filter(\.lifecycle.isReconciled)
        let states = Dictionary(unsettled.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        // What to observe: cluster → (handle, the kind to sweep it with if any, load balancers).
        var targets: [String: Target] = [:]
        for (name, found) in marks {
            targets[name] = Target(handle: try providers.handle(found.provider), sweep: found.provider, lbs: found.mark.loadBalancers)
        }
        for state in unsettled {
            let kind = state.spec.provider
            targets[state.name] = Target(
                handle: try providers.handle(for: state.spec), sweep: providers.isResolvedPerSpec(kind) ? nil : kind, lbs: state.loadBalancers)
        }

        var observations: [String: Observed] = [:]
        let sweepable = targets.filter { $0.value.sweep != nil }
        for (_, group) in Dictionary(grouping: sweepable, by: { $0.value.sweep! }) {
            guard group.count >= Self.bulkThreshold, let handle = group.first?.value.handle, Observer.canObserveAll(handle) else { continue }
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
                observed = try await Observer(handle: target.handle, cluster: name).observe(loadBalancers: target.lbs)
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
                : try await Observer(handle: target.handle, cluster: name).observe(loadBalancers: state.loadBalancers)
            out.append(drift(state, full))
        }
        return out
    }

    private struct Target {
        var handle: ProviderHandle
        var sweep: ProviderKind?
        var lbs: Set<String>
    }
}
