/// A fixed number of worker slots shared by every cluster. A freed slot goes to the next
/// cluster in round-robin order that is waiting, so one large cluster cannot starve a small one.
public actor WorkerPool {
    public let capacity: Int
    private var busy = 0
    private var waitingRequests: [String: [CheckedContinuation<Void, Never>]] = [:]
    private var rotation: [String] = []

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Waits for a slot for `cluster`.
    public func acquire(cluster: String) async {
        if busy < capacity && rotation.isEmpty {
            busy += 1
            return
        }
        await withCheckedContinuation { continuation in
            if waitingRequests[cluster] == nil { rotation.append(cluster) }
            waitingRequests[cluster, default: []].append(continuation)
            dispatch()
        }
    }

    /// Returns a slot.
    public func release() {
        busy -= 1
        dispatch()
    }

    public var inUse: Int { busy }

    /// Requests waiting for a slot, over all clusters.
    public var waiting: Int { waitingRequests.values.reduce(0) { $0 + $1.count } }

    private func dispatch() {
        while busy < capacity, !rotation.isEmpty {
            let cluster = rotation.removeFirst()
            var queue = waitingRequests[cluster] ?? []
            guard !queue.isEmpty else { continue }
            let next = queue.removeFirst()
            if queue.isEmpty {
                waitingRequests[cluster] = nil
            } else {
                waitingRequests[cluster] = queue
                rotation.append(cluster)
            }
            busy += 1
            next.resume()
        }
    }
}
