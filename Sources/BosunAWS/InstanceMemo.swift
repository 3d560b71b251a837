import Foundation

/// What this process last saw of each cluster's EC2 instances, with its own later changes
/// applied: a pass's `listVMs` and `health`, and the lookups its actions make (`instance(_:)`),
/// share one `DescribeInstances` instead of one each.
///
/// A description is used while it is younger than `lifetime` and no call that changes
/// instances (`AWSTransport.writeGeneration`) overlapped or followed it. The provider's own
/// tag writes and attachments do not make it stale: they are applied to it (`patch`), also
/// to a description that was already under way when they happened.
struct InstanceMemo: Sendable {
    typealias Change = @Sendable (inout EC2Instance) -> Void

    struct Entry: Sendable {
        var at: ContinuousClock.Instant
        var generation: Int
        var instances: [EC2Instance]
    }

    let lifetime: Duration
    private var clusters: [String: Entry] = [:]
    private var changes: [(at: ContinuousClock.Instant, id: String, change: Change)] = []

    init(lifetime: Duration) { self.lifetime = lifetime }

    /// The cluster's instances, if the description is still good.
    func cluster(_ name: String, generation: Int, now: ContinuousClock.Instant) -> [EC2Instance]? {
        guard let entry = clusters[name], entry.generation == generation, now - entry.at < lifetime else { return nil }
        return entry.instances
    }

    /// One instance from a good description of any cluster; nil if none has it.
    func instance(_ id: String, generation: Int, now: ContinuousClock.Instant) -> EC2Instance? {
        for entry in clusters.values where entry.generation == generation && now - entry.at < lifetime {
            if let found = entry.instances.first(where: { $0.instanceId == id }) { return found }
        }
        return nil
    }

    /// Keeps a description read from `started` on, taken while the write generation was
    /// `generation`, with every change this process made since `started` applied.
    mutating func store(_ name: String, _ instances: [EC2Instance], started: ContinuousClock.Instant, generation: Int) {
        let now = ContinuousClock.now
        clusters = clusters.filter { now - $0.value.at < lifetime }
        changes.removeAll { now - $0.at >= lifetime }
        if let current = clusters[name], current.generation > generation || (current.generation == generation && current.at > started) { return }
        var patched = instances
        for (at, id, change) in changes where at >= started {
            for i in patched.indices where patched[i].instanceId == id { change(&patched[i]) }
        }
        clusters[name] = Entry(at: started, generation: generation, instances: patched)
    }

    /// Applies a change this process made to instance `id` to every description, and to
    /// descriptions under way now when they are stored.
    mutating func patch(_ id: String, _ change: @escaping Change) {
        let now = ContinuousClock.now
        changes.append((now, id, change))
        for (name, var entry) in clusters {
            var touched = false
            for i in entry.instances.indices where entry.instances[i].instanceId == id {
                change(&entry.instances[i])
                touched = true
            }
            if touched { clusters[name] = entry }
        }
    }
}
