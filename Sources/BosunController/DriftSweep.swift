import BosunModel
import BosunPlanner
import BosunStore
import Logging

/// One drift sweep (`ControllerService.sweep()`): which clusters look different from what their
/// last settled pass saw, so they are reconciled now instead of at their next scheduled pass.
///
/// Each provider that adopts `InventoryProvider` is observed in one paginated inventory sweep
/// (a few dozen calls for thousands of clusters); any other is observed cluster by cluster, a
/// few at a time. A sweep only decides what to queue: an inventory is not one snapshot and may
/// be slightly stale, so the pass it triggers observes its cluster again on its own before
/// planning anything.
public struct DriftSweep: Sendable {
    public let reconciler: Reconciler
    /// One inventory sweep per provider where offered; false: every cluster on its own (the
    /// benchmark's comparison).
    public var bulk: Bool
    /// Clusters observed at once when observing cluster by cluster.
    public var concurrency: Int

    public init(reconciler: Reconciler, bulk: Bool = true, concurrency: Int = 8) {
        self.reconciler = reconciler
        self.bulk = bulk
        self.concurrency = max(1, concurrency)
    }

    /// The clusters of `targets` to reconcile now: those that drifted, and those an operator
    /// asked to heal (`bosun heal resume` changes nothing in the cloud, but its pass is due).
    /// A provider that cannot be read is left to the scheduled passes and their retries.
    public func drifted(_ targets: [SweepTarget]) async -> Set<String> {
        var out = Set(targets.lazy.filter(\.healOverride).map(\.cluster))
        let byProvider = Dictionary(grouping: targets, by: \.provider)
        for (kind, group) in byProvider.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            if Task.isCancelled { break }
            guard let handle = try? reconciler.providers.handle(kind) else { continue }
            if bulk && Observer.canObserveAll(handle) {
                out.formUnion(await inventory(handle, group, kind))
            } else {
                out.formUnion(await oneByOne(group.map(\.cluster)))
            }
        }
        return out
    }

    private func inventory(_ handle: ProviderHandle, _ targets: [SweepTarget], _ kind: ProviderKind) async -> Set<String> {
        let lbs = Dictionary(targets.map { ($0.cluster, $0.loadBalancers) }, uniquingKeysWith: { a, b in a.union(b) })
        do {
            return reconciler.drifted(observations: try await Observer.observeAll(handle: handle, loadBalancers: lbs))
        } catch {
            // Shutting down is not a provider problem worth a warning.
            if Task.isCancelled { return [] }
            reconciler.logger.warning("drift sweep could not read the inventory", metadata: ["provider": "\(kind.rawValue)", "error": "\(error)"])
            return []
        }
    }

    private func oneByOne(_ clusters: [String]) async -> Set<String> {
        await withTaskGroup(of: (String, Bool).self) { group in
            var pending = clusters.makeIterator()
            func next() {
                guard let cluster = pending.next() else { return }
                group.addTask { (cluster, await reconciler.drifted(cluster)) }
            }
            for _ in 0..<concurrency { next() }
            var out = Set<String>()
            while let (cluster, drifted) = await group.next() {
                if drifted { out.insert(cluster) }
                if Task.isCancelled {
                    group.cancelAll()
                    break
                }
                next()
            }
            return out
        }
    }
}
