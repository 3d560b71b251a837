/// One step of a plan: what to do, to which instance, after which other steps, and why.
public struct PlannedAction: Hashable, Sendable, Codable, Identifiable {
    /// Position in the plan; dependencies refer to it.
    public var id: Int
    public var kind: ActionKind
    /// Instance id (`cluster/group/index`), or nil for cluster-level steps.
    public var instance: String?
    public var group: String?
    public var index: Int?
    /// Steps that must succeed first.
    public var dependsOn: [Int]
    /// Why (for humans; never drives execution).
    public var reason: String
    /// Part of a group's canary batch: its failure stops the group's rollout.
    public var canary: Bool

    public init(id: Int, kind: ActionKind, instance: String?, group: String?, index: Int?, dependsOn: [Int], reason: String, canary: Bool) {
        self.id = id
        self.kind = kind
        self.instance = instance
        self.group = group
        self.index = index
        self.dependsOn = dependsOn
        self.reason = reason
        self.canary = canary
    }
}

/// Something observation found that the plan does not act on.
public struct Finding: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        /// A VM tagged as the cluster's that Bosun did not create.
        case rogueVM = "rogue"
        /// An instance's recorded disk no longer exists.
        case diskLost = "disk-lost"
    }

    public var kind: Kind
    public var instance: String?
    public var resource: String
    public var message: String

    public init(kind: Kind, instance: String?, resource: String, message: String) {
        self.kind = kind
        self.instance = instance
        self.resource = resource
        self.message = message
    }
}

/// The ordered DAG of actions that moves one cluster from observed to desired, with reasons.
/// Plain data: it can be printed, stored and executed later.
public struct Plan: Hashable, Sendable, Codable {
    public var cluster: String
    public var actions: [PlannedAction]
    public var findings: [Finding]

    public init(cluster: String, actions: [PlannedAction] = [], findings: [Finding] = []) {
        self.cluster = cluster
        self.actions = actions
        self.findings = findings
    }

    public var isEmpty: Bool { actions.isEmpty }

    /// Instances the plan touches, in first-touched order.
    public var instances: [String] {
        var seen: Set<String> = []
        return actions.compactMap(\.instance).filter { seen.insert($0).inserted }
    }
}
