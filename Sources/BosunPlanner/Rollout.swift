import BosunModel

/// One group's disruptive chains, scheduled by its `DisruptionBudget`.
struct GroupRollout {
    let group: GroupSpec
    let chains: [Int: Chain]
    let schedule: DisruptionBudget.Schedule
}

/// Stage ordering for the disruptive changes: serial groups one after another, consecutive
/// non-serial groups together, each group's batches in sequence (canaries first).
struct Rollout {
    let stages: [GroupRollout]

    func build(into builder: inout PlanBuilder, after phaseA: [Int]) {
        var previousStage = phaseA
        var i = 0
        while i < stages.count {
            // A serial group is a stage of its own; consecutive non-serial groups share one.
            var stage = [stages[i]]
            if !stages[i].group.update.serial {
                while i + 1 < stages.count && !stages[i + 1].group.update.serial {
                    i += 1
                    stage.append(stages[i])
                }
            }
            i += 1
            var ends: [Int] = []
            for roll in stage where !roll.schedule.batches.isEmpty {
                ends += Self.addBatches(roll, into: &builder, after: previousStage).last
            }
            if !ends.isEmpty { previousStage = ends }
        }
    }

    /// Adds one group's batches, each after the whole previous one; returns the last step ids
    /// of its final batch (`after` if it added nothing) and of every batch.
    static func addBatches(_ roll: GroupRollout, into builder: inout PlanBuilder, after: [Int]) -> (last: [Int], all: [Int]) {
        var previous = after
        var all: [Int] = []
        for (b, batch) in roll.schedule.batches.enumerated() {
            let ends = builder.add(
                together: batch.compactMap { roll.chains[$0] }, after: previous, canary: b < roll.schedule.canaryBatches,
                peersFirst: roll.group.runsEtcd)
            all += ends
            if !ends.isEmpty { previous = ends }
        }
        return (previous, all)
    }
}
