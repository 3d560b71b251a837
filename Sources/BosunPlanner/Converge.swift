import BosunModel

/// Builds a converge plan: findings for every instance, phase A (free steps), then the
/// disruptive steps each group's `DisruptionBudget` allows; the rest is deferred.
struct Converge {
    let world: World
    let mode: HealingMode
    private(set) var findings: [Finding] = []
    private(set) var deferred: [Deferral] = []

    init(world: World, mode: HealingMode) {
        self.world = world
        self.mode = mode
    }

    /// One group, classified: free chains in index order and the scheduled disruptive ones.
    private struct GroupPlan {
        var free: [Chain] = []
        var removals: GroupRollout
        var rollout: GroupRollout
    }

    mutating func build(into builder: inout PlanBuilder) {
        let spec = world.spec
        findings = world.rogueFindings
        var extras: [Int] = []
        for chain in world.extraVMChains() {
            if let last = builder.add(chain, after: []) { extras.append(last) }
        }
        var phaseA = extras
        if mode.heals && spec.healing.deleteRogue {
            for chain in world.rogueChains() {
                if let last = builder.add(chain, after: []) { phaseA.append(last) }
            }
        }
        let groups = spec.groups.map { classify($0) }
        for plan in groups {
            phaseA += Rollout.addBatches(plan.removals, into: &builder, after: extras).all
        }
        for chain in world.surplusChainsOfRemovedGroups() {
            if let last = builder.add(chain, after: extras) { phaseA.append(last) }
        }
        for plan in groups {
            phaseA += builder.add(together: plan.free, after: extras, peersFirst: plan.rollout.group.runsEtcd)
        }
        Rollout(stages: groups.map(\.rollout)).build(into: &builder, after: phaseA)
    }

    private mutating func classify(_ group: GroupSpec) -> GroupPlan {
        let hash = JobsConfig.hash(world.spec, group, credentials: world.recorded.credentialTokens)
        var unhealthy: Set<Int> = [], etcdDown: Set<Int> = [], etcdSurelyDown: Set<Int> = []
        var free: [Int: Chain] = [:], fallback: [Int: Chain] = [:], budgeted: [Int: Chain] = [:]
        var azOf: [Int: String] = [:]
        for (index, az) in world.placement(group).enumerated() {
            let drift = world.drift(group: group, index: index)
            findings += drift.findings
            if drift.unhealthy { unhealthy.insert(index) }
            if drift.etcdDown { etcdDown.insert(index) }
            if drift.etcdSurelyDown { etcdSurelyDown.insert(index) }
            // A lost disk leaves the instance alone: no silent empty replacement.
            if drift.missingDisk != nil { continue }
            let outcome = world.changes(group: group, index: index, az: az, jobsHash: hash, drift: drift, healing: mode).outcome()
            if let waiting = outcome.waiting { deferred.append(Deferral(instance: drift.id, reason: waiting)) }
            if let chain = outcome.budgeted {
                budgeted[index] = chain
                azOf[index] = az
                if let f = outcome.free { fallback[index] = f }
            } else if let chain = outcome.free {
                free[index] = chain
            }
        }

        // Scale-down: surplus members count too while they exist; removing a healthy one takes
        // it down, so removals share the budget (the desired count sets the quorum).
        let surplus = world.surplusChains(group: group.name)
        var removal = DisruptionBudget(
            group: group.name, desired: group.instances, maxInFlight: group.update.maxInFlight.resolve(total: surplus.count, minimum: 1),
            runsEtcd: group.runsEtcd, unhealthy: unhealthy, etcdDown: etcdDown,
            etcdSurelyDown: etcdSurelyDown)
        var removalChains: [Int: Chain] = [:]
        for var chain in surplus {
            guard let index = chain.index else { continue }
            let drift = world.drift(group: group, index: index)
            // Without a VM there is nothing to take down.
            if drift.unhealthy || drift.vm == nil { removal.unhealthy.insert(index) }
            if drift.etcdDown || (group.runsEtcd && drift.vm == nil) { removal.etcdDown.insert(index) }
            if drift.etcdSurelyDown || (group.runsEtcd && drift.vm == nil) { removal.etcdSurelyDown.insert(index) }
            // A silent agent cannot stop its jobs (the call would only time out); deleting the
            // VM stops them anyway.
            if drift.silent { chain.steps.removeAll { if case .stopJobs = $0 { true } else { false } } }
            removalChains[index] = chain
        }
        let removalSchedule = removal.schedule(surplus.compactMap(\.index), canaries: 0)
        for index in removalSchedule.deferred {
            deferred.append(Deferral(instance: World.id(world.cluster, group.name, index),
                                     reason: "\(removalSchedule.waiting) (\(removalChains[index]?.reason ?? "scale down"))"))
        }

        var budget = DisruptionBudget(
            group: group.name, desired: group.instances, maxInFlight: group.update.maxInFlight.resolve(total: budgeted.count, minimum: 1),
            runsEtcd: group.runsEtcd, unhealthy: unhealthy, etcdDown: etcdDown,
            etcdSurelyDown: etcdSurelyDown)
        let order = Placement.interleave(budgeted.keys.map { ($0, azOf[$0]!) }, azs: group.azs)
        let canaries = group.update.canaries.resolve(total: budgeted.count, minimum: 0)
        let schedule = budget.schedule(order, canaries: canaries)
        for index in schedule.deferred {
            deferred.append(Deferral(instance: World.id(world.cluster, group.name, index),
                                     reason: "\(schedule.waiting) (\(budgeted[index]!.reason))"))
            // What heals without taking anything down still runs.
            if let chain = fallback[index] { free[index] = chain }
        }
        return GroupPlan(
            free: free.keys.sorted().map { free[$0]! },
            removals: GroupRollout(group: group, chains: removalChains, schedule: removalSchedule),
            rollout: GroupRollout(group: group, chains: budgeted, schedule: schedule))
    }
}
