/// Drift healing (resurrection) settings of a cluster.
public struct HealingPolicy: Sendable, Hashable, Codable {
    /// Whether drift is healed automatically (findings are recorded either way).
    public var enabled: Bool
    /// When healing pauses because too much is broken at once.
    public var meltdown: MeltdownPolicy
    /// How long an agent may stay silent before its VM counts as unresponsive and is recreated.
    public var agentTimeoutSeconds: Int
    /// Whether VMs tagged as the cluster's that Bosun never created are deleted (default: only
    /// reported).
    public var deleteRogue: Bool

    public init(enabled: Bool, meltdown: MeltdownPolicy, agentTimeoutSeconds: Int = 60, deleteRogue: Bool = false) {
        self.enabled = enabled
        self.meltdown = meltdown
        self.agentTimeoutSeconds = agentTimeoutSeconds
        self.deleteRogue = deleteRogue
    }

    /// BOSH resurrector defaults: enabled, meltdown at 5 instances and 20 %, agents silent for
    /// 60 s are unresponsive, rogue VMs reported only.
    public static let defaults = HealingPolicy(enabled: true, meltdown: .defaults)

    private enum CodingKeys: String, CodingKey {
        case enabled, meltdown, agentTimeoutSeconds, deleteRogue
    }

    /// Canonical specs stored before `agentTimeoutSeconds` and `deleteRogue` existed decode with
    /// their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.decode(Bool.self, forKey: .enabled)
        meltdown = try c.decode(MeltdownPolicy.self, forKey: .meltdown)
        agentTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .agentTimeoutSeconds) ?? 60
        deleteRogue = try c.decodeIfPresent(Bool.self, forKey: .deleteRogue) ?? false
    }

    /// The two later settings are written only when they differ from their defaults, so a spec
    /// that does not use them keeps the canonical hash it had before they existed (an upgrade
    /// must not turn every cluster's spec into a "change").
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(meltdown, forKey: .meltdown)
        if agentTimeoutSeconds != 60 { try c.encode(agentTimeoutSeconds, forKey: .agentTimeoutSeconds) }
        if deleteRogue { try c.encode(deleteRogue, forKey: .deleteRogue) }
    }
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
