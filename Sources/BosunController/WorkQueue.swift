/// A de-duplicating priority queue of cluster names (client-go workqueue rules): a key added
/// twice before it runs, runs once; a key never runs on two workers at once (added while
/// running, it runs again after); delayed adds keep the earliest due time.
///
/// Two levels: `.high` (spec changes, drift, work in progress) is served before `.normal`
/// (scheduled passes, retries), so a rename's first action does not wait behind thousands of
/// routine passes. Within a level keys are served in the order they were queued, each once, which
/// is fair across clusters. Adding a queued key again at a higher level moves it up (to the back
/// of that level); adding it at a lower level changes nothing.
public actor WorkQueue {
    /// How urgent a pass is.
    public enum Priority: Int, Sendable, Comparable, CaseIterable {
        /// Scheduled passes and retries after a failure.
        case normal = 0
        /// Spec changes, drift found, and a re-check that continues work in progress.
        case high = 1

        public static func < (a: Priority, b: Priority) -> Bool { a.rawValue < b.rawValue }

        /// The `priority` label of the queue metrics.
        public var label: String { self == .high ? "high" : "normal" }
    }

    /// Queued keys by level, oldest first. A key raised to another level leaves a stale entry
    /// behind (removing it from the middle would cost O(n)); `queued` says which entry is live.
    private var levels: [FIFO] = Priority.allCases.map { _ in FIFO() }
    /// Every queued (not running) key: the level it is queued at and its live entry's number.
    private var queued: [String: (priority: Priority, seq: UInt64, since: ContinuousClock.Instant)] = [:]
    /// Numbers entries, so an entry left behind by a raise is never taken for a later one.
    private var nextSeq: UInt64 = 0
    private var processing: Set<String> = []
    /// Keys added while running, and the highest level they were added at.
    private var dirty: [String: Priority] = [:]
    private var waiters: [CheckedContinuation<String?, Never>] = []
    private var timers: [String: Timer] = [:]
    private var closed = false

    private struct Timer {
        var due: ContinuousClock.Instant
        var priority: Priority
        var task: Task<Void, Never>
    }

    /// Told how long each key waited, and at which level, when a worker takes it.
    private let waited: (@Sendable (Priority, Duration) -> Void)?

    /// `waited`: told how long each key waited (queued to taken) and at which level.
    public init(waited: (@Sendable (Priority, Duration) -> Void)? = nil) { self.waited = waited }

    /// Queues `key` at `priority` (see the type's rules).
    public func add(_ key: String, priority: Priority = .normal) {
        guard !closed else { return }
        if processing.contains(key) {
            dirty[key] = max(dirty[key] ?? priority, priority)
            return
        }
        if let level = queued[key]?.priority {
            guard priority > level else { return }
            enqueue(key, priority)
            return
        }
        if !waiters.isEmpty {
            // A worker waits only while nothing is queued, so this key is the oldest of all.
            waited?(priority, .zero)
            processing.insert(key)
            waiters.removeFirst().resume(returning: key)
            return
        }
        enqueue(key, priority)
    }

    private func enqueue(_ key: String, _ priority: Priority) {
        nextSeq += 1
        // A key raised to a higher level has waited since it was first queued.
        queued[key] = (priority, nextSeq, queued[key]?.since ?? ContinuousClock.now)
        levels[priority.rawValue].append(Entry(key: key, seq: nextSeq))
    }

    /// Queues `key` at `priority` after `delay`, unless it is already due sooner. Of two delayed
    /// adds the earlier due time wins, at the higher of the two levels.
    public func add(_ key: String, after delay: Duration, priority: Priority = .normal) {
        guard !closed else { return }
        let due = ContinuousClock.now + delay
        if let existing = timers[key], existing.due <= due {
            timers[key]?.priority = max(existing.priority, priority)
            return
        }
        let level = max(timers[key]?.priority ?? priority, priority)
        timers[key]?.task.cancel()
        let task = Task { [weak self] in
            try? await Task.sleep(until: due, clock: .continuous)
            guard !Task.isCancelled else { return }
            await self?.fire(key, due: due)
        }
        timers[key] = Timer(due: due, priority: level, task: task)
    }

    private func fire(_ key: String, due: ContinuousClock.Instant) {
        guard let timer = timers[key], timer.due == due else { return }
        timers[key] = nil
        add(key, priority: timer.priority)
    }

    /// The next key to work on, or nil once the queue is shut down.
    public func next() async -> String? {
        if closed { return nil }
        if let key = pop() {
            processing.insert(key)
            return key
        }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// The oldest live key of the highest non-empty level.
    private func pop() -> String? {
        for priority in Priority.allCases.reversed() {
            while let entry = levels[priority.rawValue].popFirst() {
                // Stale: raised to another level (or run and queued again) since it was queued.
                guard let live = queued[entry.key], live.seq == entry.seq else { continue }
                queued[entry.key] = nil
                waited?(live.priority, ContinuousClock.now - live.since)
                return entry.key
            }
        }
        return nil
    }

    /// Marks `key` finished; if it was added meanwhile, it is queued again at the highest level
    /// it was added at.
    public func done(_ key: String) {
        processing.remove(key)
        if let priority = dirty.removeValue(forKey: key) { add(key, priority: priority) }
    }

    /// Wakes every waiting worker with nil and drops pending timers.
    public func shutdown() {
        closed = true
        for (_, timer) in timers { timer.task.cancel() }
        timers.removeAll()
        for waiter in waiters { waiter.resume(returning: nil) }
        waiters.removeAll()
    }

    /// Keys queued (not running), at every level.
    public var depth: Int { queued.count }

    /// Keys queued at `priority`.
    public func depth(at priority: Priority) -> Int {
        queued.values.reduce(0) { $0 + ($1.priority == priority ? 1 : 0) }
    }

    /// The level `key` is queued at, or nil if it is not queued (tests, diagnostics).
    public func priority(of key: String) -> Priority? { queued[key]?.priority }

    private struct Entry {
        var key: String
        var seq: UInt64
    }

    /// A first-in first-out list with O(1) amortised removal at the front: an array and a head
    /// index, compacted once the consumed prefix outgrows the rest.
    private struct FIFO {
        private var items: [Entry] = []
        private var head = 0

        mutating func append(_ entry: Entry) { items.append(entry) }

        mutating func popFirst() -> Entry? {
            guard head < items.count else { return nil }
            let key = items[head]
            head += 1
            if head >= 64, head * 2 >= items.count {
                items.removeFirst(head)
                head = 0
            }
            return key
        }
    }
}
