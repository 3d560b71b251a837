import BosunModel
import BosunProvider

/// The pure heart of Bosun: `(desired, observed, recorded) -> Plan`. No I/O, no clock, no
/// randomness; the same inputs always give the same plan, and a converged cluster an empty one.
///
/// Order (`semantics.md`): missing instances are created, surplus ones removed and
/// non-disruptive drift healed first, all in parallel; then changes to existing instances roll
/// out group by group (serial groups one after another, consecutive non-serial groups together),
/// canaries first, then batches of at most `maxInFlight` drawn round-robin over AZs, never more
/// than `(n-1)/2` etcd members at once. Teardown deregisters everything, then removes workers,
/// then control-plane groups.
public struct Planner: Sendable {
    public init() {}

    public func plan(cluster: String, desired spec: ClusterSpec, goal: PlanGoal, observed: Observed, recorded: Recorded) -> Plan {
        let world = World(cluster: cluster, spec: spec, observed: observed, recorded: recorded, readoptDisks: goal == .converge)
        var builder = PlanBuilder()
        var findings = world.findings
        switch goal {
        case .teardown:
            Teardown(world: world).build(into: &builder)
        case .converge:
            var extras: [Int] = []
            for chain in world.extraVMChains() {
                if let last = builder.add(chain, after: []) { extras.append(last) }
            }
            var phaseA: [Int] = extras
            for group in spec.groups {
                phaseA += Rollout.removeInBatches(world.surplusChains(group: group.name), group: group, into: &builder, after: extras)
            }
            for chain in world.surplusChainsOfRemovedGroups() {
                if let last = builder.add(chain, after: extras) { phaseA.append(last) }
            }
            var rollout: [(GroupSpec, [(index: Int, az: String, chain: Chain)])] = []
            for group in spec.groups {
                var changed: [(index: Int, az: String, chain: Chain)] = []
                let hash = JobsConfig.hash(spec, group)
                for (index, az) in world.placement(group).enumerated() {
                    guard let changes = world.changes(group: group, index: index, az: az, jobsHash: hash) else {
                        findings.append(world.diskLostFinding(group: group, index: index))
                        continue
                    }
                    let (kind, chain) = changes.chain()
                    switch kind {
                    case .none: continue
                    case .create, .heal:
                        if let last = builder.add(chain, after: extras) { phaseA.append(last) }
                    case .rollout:
                        changed.append((index, az, chain))
                    }
                }
                rollout.append((group, changed))
            }
            Rollout(stages: rollout).build(into: &builder, after: phaseA)
        }
        return Plan(cluster: cluster, actions: builder.actions, findings: findings)
    }
}

/// Batches, canaries, quorum guard and stage ordering for the disruptive changes.
struct Rollout {
    let stages: [(GroupSpec, [(index: Int, az: String, chain: Chain)])]

    func build(into builder: inout PlanBuilder, after phaseA: [Int]) {
        var previousStage = phaseA
        var i = 0
        while i < stages.count {
            // A serial group is a stage of its own; consecutive non-serial groups share one.
            var stage = [stages[i]]
            if !stages[i].0.update.serial {
                while i + 1 < stages.count && !stages[i + 1].0.update.serial {
                    i += 1
                    stage.append(stages[i])
                }
            }
            i += 1
            var ends: [Int] = []
            for (group, changed) in stage where !changed.isEmpty {
                ends += rollGroup(group, changed, into: &builder, after: previousStage)
            }
            if !ends.isEmpty { previousStage = ends }
        }
    }

    /// Adds one group's batches; returns the last step ids of its final batch.
    private func rollGroup(
        _ group: GroupSpec, _ changed: [(index: Int, az: String, chain: Chain)], into builder: inout PlanBuilder, after: [Int]
    ) -> [Int] {
        let order = Placement.interleave(changed.map { ($0.index, $0.az) }, azs: group.azs)
        let byIndex = Dictionary(uniqueKeysWithValues: changed.map { ($0.index, $0.chain) })
        let total = changed.count
        var width = group.update.maxInFlight.resolve(total: total, minimum: 1)
        if group.runsEtcd { width = min(width, Self.quorumBudget(members: group.instances)) }
        let canaries = min(group.update.canaries.resolve(total: total, minimum: 0), total)
        var batches: [[Int]] = []
        var rest = order[...]
        var canaryLeft = canaries
        while canaryLeft > 0 {
            let n = min(width, canaryLeft)
            batches.append(Array(rest.prefix(n)))
            rest = rest.dropFirst(n)
            canaryLeft -= n
        }
        let canaryBatches = batches.count
        while !rest.isEmpty {
            batches.append(Array(rest.prefix(width)))
            rest = rest.dropFirst(width)
        }
        var previous = after
        for (b, batch) in batches.enumerated() {
            var ends: [Int] = []
            for index in batch {
                if let last = builder.add(byIndex[index]!, after: previous, canary: b < canaryBatches) { ends.append(last) }
            }
            previous = ends
        }
        return previous
    }

    /// Scale-down of one group: removals in batches of the group's width (and, for etcd, one
    /// quorum budget at a time), so shrinking never takes more down at once than an update would.
    static func removeInBatches(_ chains: [Chain], group: GroupSpec, into builder: inout PlanBuilder, after: [Int]) -> [Int] {
        guard !chains.isEmpty else { return [] }
        var width = group.update.maxInFlight.resolve(total: chains.count, minimum: 1)
        if group.runsEtcd { width = min(width, quorumBudget(members: group.instances)) }
        var previous = after
        var all: [Int] = []
        var rest = chains[...]
        while !rest.isEmpty {
            var ends: [Int] = []
            for chain in rest.prefix(width) {
                if let last = builder.add(chain, after: previous) { ends.append(last) }
            }
            rest = rest.dropFirst(width)
            all += ends
            previous = ends.isEmpty ? previous : ends
        }
        return all
    }

    /// Most etcd members that may be unavailable at once: `(n-1)/2`, at least 1.
    static func quorumBudget(members: Int) -> Int { max(1, (members - 1) / 2) }
}
