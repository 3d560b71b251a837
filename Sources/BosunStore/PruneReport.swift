/// What one `Store.prune` removed.
public struct PruneReport: Sendable, Hashable {
    /// Finished journal rows deleted.
    public var actions = 0
    /// Events deleted.
    public var events = 0
    /// Resolved findings deleted.
    public var findings = 0
    /// Create keys moved from pruned journal rows to `known_keys`.
    public var keysKept = 0
    /// Known keys forgotten because their cluster was deleted longer than the retention ago.
    public var keysForgotten = 0
    /// Write transactions used (each at most `RetentionPolicy.batchSize` rows).
    public var batches = 0

    public init() {}

    /// True when nothing was removed.
    public var isEmpty: Bool { actions == 0 && events == 0 && findings == 0 && keysForgotten == 0 }
}
