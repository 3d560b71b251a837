import BosunModel
import BosunProvider

/// The pure heart of Bosun: `(desired, observed, recorded, healing mode) -> Plan`. No I/O, no
/// clock, no randomness; the same inputs always give the same plan, and a converged cluster an
/// empty one.
///
/// Order (`semantics.md`): leftovers of interrupted changes are removed, missing instances
/// created, surplus ones removed and drift that takes nothing healthy down healed first, in
/// parallel (phase A); then the disruptive changes — rollouts and healing escalations — go group
/// by group (serial groups one after another, consecutive non-serial groups together), canaries
/// first, in batches drawn round-robin over AZs under one `DisruptionBudget` per group, which
/// counts members already down. What the budget cannot take yet is `Plan.deferred`. Teardown
/// deregisters everything, then removes workers, then control-plane groups.
public struct Planner: Sendable {
    public init() {}

    /// Plans one cluster. `healing: .suppressed` (meltdown, or `healing.enabled: false` in the
    /// spec) plans no healing at all: only spec changes, still under the disruption budget.
    /// Findings are reported in every mode.
    public func plan(
        cluster: String, desired spec: ClusterSpec, goal: PlanGoal, observed: Observed, recorded: Recorded,
        healing: HealingMode = .heal
    ) -> Plan {
        let mode = Self.effectiveMode(healing, spec)
        let world = World(cluster: cluster, spec: spec, observed: observed, recorded: recorded, readoptDisks: goal == .converge)
        var builder = PlanBuilder()
        switch goal {
        case .teardown:
            Teardown(world: world).build(into: &builder)
            return Plan(cluster: cluster, actions: builder.actions, findings: world.rogueFindings)
        case .converge:
            var converge = Converge(world: world, mode: mode)
            converge.build(into: &builder)
            return Plan(cluster: cluster, actions: builder.actions, findings: converge.findings, deferred: converge.deferred)
        }
    }

    /// `healing.enabled: false` suppresses healing whatever the caller says.
    static func effectiveMode(_ mode: HealingMode, _ spec: ClusterSpec) -> HealingMode {
        spec.healing.enabled ? mode : .suppressed(reason: "healing.enabled is false")
    }

    /// Desired instances that are unhealthy now: VM missing or not running, a job not running,
    /// no agent report, an agent silent past `healing.agentTimeoutSeconds`, or a detached or
    /// missing disk. Instances never created yet are not counted. The controller compares the
    /// count with the meltdown thresholds.
    public static func unhealthyInstances(cluster: String, desired spec: ClusterSpec, observed: Observed, recorded: Recorded) -> Set<String> {
        let world = World(cluster: cluster, spec: spec, observed: observed, recorded: recorded)
        var out: Set<String> = []
        for group in spec.groups {
            for index in 0..<group.instances {
                let drift = world.drift(group: group, index: index)
                if drift.unhealthy { out.insert(drift.id) }
            }
        }
        return out
    }
}
