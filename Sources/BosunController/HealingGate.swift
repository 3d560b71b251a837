import BosunModel
import BosunPlanner

/// Whether a pass may heal (`semantics.md`, meltdown): healing is switched on, and the cluster
/// is not in a meltdown — unhealthy instances at least `minDown` AND at least `percent` % of
/// the desired ones — unless an operator said `bosun heal resume`.
struct HealingGate: Sendable {
    let spec: ClusterSpec
    /// Desired instances that are down or unhealthy now.
    let unhealthy: Int

    var meltdown: Bool {
        let m = spec.healing.meltdown
        let total = spec.desiredInstances
        return total > 0 && unhealthy >= m.minDown && unhealthy * 100 >= m.percent * total
    }

    var meltdownMessage: String {
        let m = spec.healing.meltdown
        return "\(unhealthy) of \(spec.desiredInstances) instances are unhealthy (meltdown at \(m.minDown) and \(m.percent) %): "
            + "healing pauses; findings are still recorded; `bosun heal resume` heals once"
    }

    var recoveredMessage: String {
        "\(unhealthy) of \(spec.desiredInstances) instances unhealthy, below the meltdown threshold: healing resumes"
    }

    func mode(override: Bool) -> HealingMode {
        if !spec.healing.enabled { return .suppressed(reason: "healing.enabled is false") }
        if meltdown && !override { return .suppressed(reason: "meltdown: \(unhealthy) of \(spec.desiredInstances) instances unhealthy") }
        return .heal
    }
}
