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
        var attempt = 0
        while true {
            attempt += 1
            try await handle.bucket.acquire()
            do {
                return try await call()
            } catch let error as ProviderError where error.isRetryable && attempt < 5 {
                if error.code == ProviderError.throttled { await handle.bucket.throttled() }
                try await Task.sleep(for: .milliseconds(20 * (1 << attempt)))
            } catch let error as ProviderError {
                throw ObservationFailure(cluster: cluster, call: name, error: error)
            }
        }
    }
}
