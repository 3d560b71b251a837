import Synchronization

/// A fixed number of worker slots shared by every cluster. A freed slot goes to the next
/// cluster in round-robin order that is waiting, so one large cluster cannot starve a small one.
///
/// A lock, not an actor: every action takes and returns a slot, and an actor's two hops per
/// action (and a task to return the slot from a `defer`) were measurable in a large apply.
public final class WorkerPool: Sendable {
    public let capacity: Int

    private struct State {
        var busy = 0
        var waitingRequests: [String: [CheckedContinuation<Void, Never>]] = [:]
        var rotation: [String] = []
    }

    private let state = Mutex(State())

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Waits for a slot for `cluster`.
    public func acquire(cluster: String) async {
        let granted = state.withLock { s -> Bool in
            guard s.busy < capacity && s.rotation.isEmpty else { return false }
            s.busy += 1
            return true
        }
        if granted { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s -> [CheckedContinuation<Void, Never>] in
                if s.waitingRequests[cluster] == nil { s.rotation.append(cluster) }
                s.waitingRequests[cluster, default: []].append(continuation)
                return Self.dispatch(&s, capacity: capacity)
            }
            for next in ready { next.resume() }
        }
    }

    /// Returns a slot.
    public func release() {
        let ready = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.busy -= 1
            return Self.dispatch(&s, capacity: capacity)
        }
        for next in ready { next.resume() }
    }

    public var inUse: Int { state.withLock { $0.busy } }

    /// Requests waiting for a slot, over all clusters.
    public var waiting: Int { state.withLock { $0.waitingRequests.values.reduce(0) { $0 + $1.count } } }

    /// Hands free slots to waiting requests, one cluster at a time in rotation; returns the
    /// requests to resume (outside the lock).
    private static func dispatch(_ s: inout State, capacity: Int) -> [CheckedContinuation<Void, Never>] {
        var ready: [CheckedContinuation<Void, Never>] = []
        while s.busy < capacity, !s.rotation.isEmpty {
            let cluster = s.rotation.removeFirst()
            var queue = s.waitingRequests[cluster] ?? []
            guard !queue.isEmpty else { continue }
            ready.append(queue.removeFirst())
            if queue.isEmpty {
                s.waitingRequests[cluster] = nil
            } else {
                s.waitingRequests[cluster] = queue
                s.rotation.append(cluster)
            }
            s.busy += 1
        }
        return ready
    }
}
