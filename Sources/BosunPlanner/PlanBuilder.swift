/// A linear sequence of steps for one instance, before it is placed in the DAG.
struct Chain {
    var instance: String?
    var group: String?
    var index: Int?
    var steps: [ActionKind]
    var reason: String
}

/// Appends chains to a plan, wiring each chain's steps in sequence and its first step after
/// whatever the rollout says must finish first.
struct PlanBuilder {
    private(set) var actions: [PlannedAction] = []

    /// Adds `chain` after `after` (ids of steps that must succeed first); returns the id of its
    /// last step, or nil for an empty chain.
    @discardableResult
    mutating func add(_ chain: Chain, after: [Int], canary: Bool = false) -> Int? {
        var previous: [Int] = after
        var last: Int?
        for kind in chain.steps {
            let id = actions.count
            actions.append(PlannedAction(
                id: id, kind: kind, instance: chain.instance, group: chain.group, index: chain.index,
                dependsOn: previous.sorted(), reason: chain.reason, canary: canary))
            previous = [id]
            last = id
        }
        return last
    }
}
