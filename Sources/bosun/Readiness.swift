import BosunController
import BosunStore
import Foundation
import Synchronization

/// What `/readyz` checks: the specs were ingested once, the state database takes a write, and
/// no lease renewal failed within a lease's lifetime. Each failing check is a reason.
final class Readiness: Sendable {
    private let ingested = Mutex(false)
    let store: Store
    let leases: LeaseHealth
    let leaseTTL: TimeInterval

    init(store: Store, leases: LeaseHealth, leaseTTL: TimeInterval) {
        self.store = store
        self.leases = leases
        self.leaseTTL = leaseTTL
    }

    /// The initial ingestion pass finished (recorded or failed: the controller runs either way).
    func markIngested() { ingested.withLock { $0 = true } }

    /// Why the controller is not ready, in an operator's words; empty when it is.
    func problems() -> [String] {
        var out: [String] = []
        if !ingested.withLock({ $0 }) { out.append("the spec directory is still being ingested") }
        do { try store.probeWritable() } catch {
            out.append("the state database \(store.path) is not writable: \(Self.reason(error))")
        }
        if let lease = leases.problem(within: leaseTTL) { out.append("leases are not renewing: \(lease)") }
        return out
    }

    static func reason(_ error: any Error) -> String {
        if case .readOnly(let path, let reason)? = error as? StoreError { return reason + " (\(path))" }
        return "\(error)"
    }
}
