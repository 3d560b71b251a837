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

    /// Adds `chains` that run side by side after `after` (members of one group); returns the
    /// last step id of each. With `peersFirst` (a group that runs etcd) each chain's first start
    /// or restart of jobs also waits for the VMs the other chains create: a member's
    /// configuration names its peers' addresses, and a member that bootstraps before a peer's
    /// VM exists would be told of a cluster without that peer. Steps stay numbered after
    /// everything they wait for: every chain's steps before its configuring step come first.
    mutating func add(together chains: [Chain], after: [Int], canary: Bool = false, peersFirst: Bool) -> [Int] {
        guard peersFirst, chains.count > 1 else { return chains.compactMap { add($0, after: after, canary: canary) } }
        var headLasts: [Int?] = []
        var creates: [Int: Int] = [:]  // chain -> its create-vm
        var tails: [Chain] = []
        for (n, chain) in chains.enumerated() {
            let split = chain.steps.firstIndex { $0.configuresJobs } ?? chain.steps.count
            var head = chain, tail = chain
            head.steps = Array(chain.steps[..<split])
            tail.steps = Array(chain.steps[split...])
            let start = actions.count
            headLasts.append(add(head, after: after, canary: canary))
            creates[n] = (start..<actions.count).first { if case .createVM = actions[$0].kind { true } else { false } }
            tails.append(tail)
        }
        var lasts: [Int] = []
        for (n, tail) in tails.enumerated() {
            let peers = creates.filter { $0.key != n }.map(\.value)
            let previous = headLasts[n].map { [$0] } ?? after
            if let last = add(tail, after: Array(Set(previous + peers)), canary: canary) ?? headLasts[n] {
                lasts.append(last)
            }
        }
        return lasts
    }
}
