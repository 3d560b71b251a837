/// Drift healing (resurrection) settings of a cluster.
public struct HealingPolicy: Sendable, Hashable, Codable {
    /// Whether drift is healed automatically.
    public var enabled: Bool
    /// When healing pauses because too much is broken at once.
    public var meltdown: MeltdownPolicy

    public init(enabled: Bool, meltdown: MeltdownPolicy) {
        self.enabled = enabled
        self.meltdown = meltdown
    }

    /// BOSH resurrector defaults: enabled, meltdown at 5 instances and 20 %.
    public static let defaults = HealingPolicy(enabled: true, meltdown: .defaults)
}

/// Meltdown thresholds: healing pauses when unhealthy instances are at least `minDown` AND at
/// least `percent` % of the cluster.
public struct MeltdownPolicy: Sendable, Hashable, Codable {
    public var minDown: Int
    public var percent: Int

    public init(minDown: Int, percent: Int) {
        self.minDown = minDown
        self.percent = percent
    }

    public static let defaults = MeltdownPolicy(minDown: 5, percent: 20)
}
