import BosunPlanner
import BosunProvider

/// Reads what the provider reports about one cluster, retrying transient provider errors a
/// few times before giving up on the pass.
struct Observer: Sendable {
    let handle: ProviderHandle
    let cluster: String

    func observe(loadBalancers: Set<String>) async throws -> Observed {
        let p = handle.infrastructure
        let vms = try await retrying { try await p.listVMs(cluster: cluster) }
        let disks = try await retrying { try await p.listDisks(cluster: cluster) }
        let ours = Set(vms.map(\.id))
        var members: [String: Set<String>] = [:]
        for lb in loadBalancers.sorted() {
            members[lb] = Set(try await retrying { try await p.listMembers(lb: lb) }).intersection(ours)
        }
        let health = try await retrying { try await handle.agent.health(cluster: cluster) }
        return Observed(vms: vms, disks: disks, members: members, health: health)
    }

    private func retrying<T: Sendable>(_ call: @Sendable () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            try await handle.bucket.acquire()
            do {
                return try await call()
            } catch let error as ProviderError where error.isRetryable && attempt < 5 {
                if error.code == ProviderError.throttled { await handle.bucket.throttled() }
                try await Task.sleep(for: .milliseconds(20 * (1 << attempt)))
            }
        }
    }
}
