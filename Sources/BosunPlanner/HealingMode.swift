/// Whether the plan may heal drift. The controller decides (meltdown, an operator's resume);
/// the planner also treats `healing.enabled: false` in the spec as suppressed.
public enum HealingMode: Sendable, Hashable {
    /// Heal drift: restart failed jobs, start stopped VMs, recreate missing ones…
    case heal
    /// Plan no healing at all; findings are still reported and spec changes still roll out
    /// (under the disruption budget). `reason` says why, e.g. "meltdown: 6 of 10 unhealthy".
    case suppressed(reason: String)

    /// Healing is allowed.
    public var heals: Bool { self == .heal }
}
