/// A change the plan does not make now, and why: a disruptive step that the disruption budget
/// does not allow yet (too many members already down), or a spec change of an instance that is
/// left alone while healing is suppressed. A later pass plans it again once the reason is gone.
public struct Deferral: Hashable, Sendable, Codable {
    /// Instance id (`cluster/group/index`).
    public var instance: String
    /// Why it waits, e.g. "waiting: 1 of 3 etcd members already down (image i1 → i2)".
    public var reason: String

    public init(instance: String, reason: String) {
        self.instance = instance
        self.reason = reason
    }
}
