import Foundation
import Synchronization

/// Whether this process's cluster leases renew: the last renewal that failed (lost to another
/// process, or the database refused the write), for `/readyz`.
public final class LeaseHealth: Sendable {
    private let lastFailure = Mutex<(at: Date, reason: String)?>(nil)

    public init() {}

    func failed(_ reason: String, at: Date = Date()) {
        lastFailure.withLock { $0 = (at, reason) }
    }

    /// Why a renewal failed within `window` before `now`, or nil if none did.
    public func problem(within window: TimeInterval, now: Date = Date()) -> String? {
        lastFailure.withLock { failure in
            guard let failure, now.timeIntervalSince(failure.at) <= window else { return nil }
            return failure.reason
        }
    }
}
