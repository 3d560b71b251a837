/// A de-duplicating queue of cluster names (client-go workqueue rules): a key added twice
/// before it runs, runs once; a key never runs on two workers at once (added while running, it
/// runs again after); delayed adds keep the earliest due time.
public actor WorkQueue {
    private var queue: [String] = []
    private var queued: Set<String> = []
    private var processing: Set<String> = []
    private var dirty: Set<String> = []
    private var waiters: [CheckedContinuation<String?, Never>] = []
    private var timers: [String: (due: ContinuousClock.Instant, task: Task<Void, Never>)] = [:]
    private var closed = false

    public init() {}

    public func add(_ key: String) {
        guard !closed else { return }
        if processing.contains(key) {
            dirty.insert(key)
            return
        }
        guard queued.insert(key).inserted else { return }
        if !waiters.isEmpty {
            queued.remove(key)
            processing.insert(key)
            waiters.removeFirst().resume(returning: key)
        } else {
            queue.append(key)
        }
    }

    /// Adds `key` after `delay`, unless it is already due sooner.
    public func add(_ key: String, after delay: Duration) {
        guard !closed else { return }
        let due = ContinuousClock.now + delay
        if let existing = timers[key], existing.due <= due { return }
        timers[key]?.task.cancel()
        let task = Task { [weak self] in
            try? await Task.sleep(until: due, clock: .continuous)
            guard !Task.isCancelled else { return }
            await self?.fire(key, due: due)
        }
        timers[key] = (due, task)
    }

    private func fire(_ key: String, due: ContinuousClock.Instant) {
        guard timers[key]?.due == due else { return }
        timers[key] = nil
        add(key)
    }

    /// The next key to work on, or nil once the queue is shut down.
    public func next() async -> String? {
        if closed { return nil }
        if !queue.isEmpty {
            let key = queue.removeFirst()
            queued.remove(key)
            processing.insert(key)
            return key
        }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// Marks `key` finished; if it was added meanwhile, it is queued again.
    public func done(_ key: String) {
        processing.remove(key)
        if dirty.remove(key) != nil { add(key) }
    }

    /// Wakes every waiting worker with nil and drops pending timers.
    public func shutdown() {
        closed = true
        for (_, timer) in timers { timer.task.cancel() }
        timers.removeAll()
        for waiter in waiters { waiter.resume(returning: nil) }
        waiters.removeAll()
    }

    public var depth: Int { queue.count }
}
