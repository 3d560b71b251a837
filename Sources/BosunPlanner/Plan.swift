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

/// The ordered DAG of actions that moves one cluster from observed to desired, with reasons.
/// Plain data: it can be printed, stored and executed later.
public struct Plan: Hashable, Sendable, Codable {
    public var cluster: String
    public var actions: [PlannedAction]
    /// What observation found wrong, whether or not the plan acts on it.
    public var findings: [Finding]
    /// Changes left out of this plan on purpose (the disruption budget, suppressed healing).
    public var deferred: [Deferral]

    public init(cluster: String, actions: [PlannedAction] = [], findings: [Finding] = [], deferred: [Deferral] = []) {
        self.cluster = cluster
        self.actions = actions
        self.findings = findings
        self.deferred = deferred
    }

    private enum CodingKeys: String, CodingKey { case cluster, actions, findings, deferred }

    /// Plans encoded before `deferred` existed decode with none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            cluster: try c.decode(String.self, forKey: .cluster), actions: try c.decode([PlannedAction].self, forKey: .actions),
            findings: try c.decode([Finding].self, forKey: .findings),
            deferred: try c.decodeIfPresent([Deferral].self, forKey: .deferred) ?? [])
    }

    /// Nothing to do now. A plan can be empty and still have `deferred` changes: see `isConverged`.
    public var isEmpty: Bool { actions.isEmpty }

    /// Nothing to do now and nothing waiting (findings aside).
    public var isConverged: Bool { actions.isEmpty && deferred.isEmpty }

    /// Instances the plan touches, in first-touched order.
    public var instances: [String] {
        var seen: Set<String> = []
        return actions.compactMap(\.instance).filter { seen.insert($0).inserted }
    }
}
