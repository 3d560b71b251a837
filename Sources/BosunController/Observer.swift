import BosunPlanner
import BosunProvider
import Foundation

/// Reads what the provider reports about one cluster, retrying transient provider errors a
/// few times before giving up on the pass with an `ObservationFailure` naming the call.
struct Observer: Sendable {
    let handle: ProviderHandle
    let cluster: String
    var now: @Sendable () -> Date = { Date() }

    /// The four kinds of reads are independent, so they go out together: a pass waits for one
    /// provider round trip, not four.
    func observe(loadBalancers: Set<String>) async throws -> Observed {
        let p = handle.infrastructure
        let cluster = cluster
        async let vms = retrying("listVMs") { try await p.listVMs(cluster: cluster) }
        async let disks = retrying("listDisks") { try await p.listDisks(cluster: cluster) }
        async let health = retrying("health") { try await handle.agent.health(cluster: cluster) }
        let members = try await withThrowingTaskGroup(of: (String, [String]).self) { group in
            for lb in loadBalancers {
                group.addTask { (lb, try await retrying("listMembers(\(lb))") { try await p.listMembers(lb: lb) }) }
            }
            var out: [String: [String]] = [:]
            for try await (lb, ids) in group { out[lb] = ids }
            return out
        }
        let ours = Set(try await vms.map(\.id))
        var observed = Observed(
            vms: try await vms, disks: try await disks,
            members: members.mapValues { Set($0).intersection(ours) }, health: try await health)
        // Agent silence is judged against when the reports were read, not when they are planned.
        observed.observedAt = now()
        return observed
    }

    private func retrying<T: Sendable>(_ name: String, _ call: @Sendable () async throws -> T) async throws -> T {
        try await Self.retrying(handle, cluster: cluster, name, call)
    }

    /// Whether `handle`'s provider can be observed in one sweep (`observeAll`).
    static func canObserveAll(_ handle: ProviderHandle) -> Bool { handle.infrastructure is any InventoryProvider }

    /// Every cluster of `loadBalancers` (cluster → the load balancers its spec or records name),
    /// observed in one paginated inventory sweep: one entry per cluster, empty for a cluster the
    /// provider holds nothing of, with `members` keyed by exactly its load balancers and
    /// `observedAt` set, as `observe(loadBalancers:)` would return. Each page is retried like
    /// any read; throws `ObservationFailure` (cluster `*`) when a page cannot be read, or when the
    /// provider does not adopt `InventoryProvider`.
    static func observeAll(
        handle: ProviderHandle, loadBalancers: [String: Set<String>], now: @Sendable () -> Date = { Date() }
    ) async throws -> [String: Observed] {
        guard let bulk = handle.infrastructure as? any InventoryProvider else {
            throw ObservationFailure(
                cluster: "*", call: "inventoryPage",
                error: ProviderError(.terminal, code: "NotSupported", message: "provider \(handle.infrastructure.name) has no bulk inventory"))
        }
        let names = loadBalancers.values.reduce(into: Set<String>()) { $0.formUnion($1) }
        var accumulator = InventoryAccumulator()
        var token: String?
        repeat {
            let current = token
            let page = try await retrying(handle, cluster: "*", "inventoryPage") {
                try await bulk.inventoryPage(loadBalancers: names, pageToken: current)
            }
            accumulator.add(page)
            token = page.nextToken
        } while token != nil
        let swept = accumulator.byCluster()
        // One moment for the whole sweep: silence is judged against when the pages were read.
        let at = now()
        var out: [String: Observed] = [:]
        out.reserveCapacity(loadBalancers.count)
        for (cluster, lbs) in loadBalancers {
            let found = swept[cluster] ?? ClusterInventory()
            out[cluster] = Observed(
                vms: found.vms, disks: found.disks,
                members: Dictionary(uniqueKeysWithValues: lbs.map { ($0, found.members[$0] ?? []) }),
                health: found.health, observedAt: at)
        }
        return out
    }

    private static func retrying<T: Sendable>(
        _ handle: ProviderHandle, cluster: String, _ name: String, _ call: @Sendable () async throws -> T
    ) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            try await handle.bucket.acquire()
            do {
                // `listMembers(lb)` counts as `listMembers`: no load balancer name in a label.
                return try await handle.measured(String(name.prefix { $0 != "(" })) { try await call() }
            } catch let error as ProviderError where error.isRetryable && attempt < 5 {
                if error.code == ProviderError.throttled { await handle.bucket.throttled() }
                try await Task.sleep(for: .milliseconds(20 * (1 << attempt)))
            } catch let error as ProviderError {
                throw ObservationFailure(cluster: cluster, call: name, error: error)
            }
        }
    }
}
