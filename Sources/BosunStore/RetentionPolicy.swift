/// How much history the state database keeps (`bosun run --retain`, and at the end of
/// `bosun apply`). Only finished history is ever pruned: pending and running journal rows are
/// what crash recovery reads, and the keys of creates that reached a provider are moved to
/// `known_keys` rather than dropped (see `Store.prune`).
public struct RetentionPolicy: Sendable, Hashable {
    /// Finished (succeeded, failed, cancelled) actions and events older than this go.
    public var maxAge: Duration
    /// Newest finished actions kept per cluster, whatever their age: a crash loop or a
    /// flapping VM cannot grow the journal without bound inside `maxAge`.
    public var actionsPerCluster: Int
    /// Newest events kept per cluster (and among events of no cluster), whatever their age; the
    /// same number of resolved findings is kept per cluster.
    public var eventsPerCluster: Int
    /// Rows deleted per write transaction, so pruning never holds the write lock for long:
    /// a pass waiting to journal its plan waits for one batch at most.
    public var batchSize: Int

    public init(maxAge: Duration = .seconds(7 * 86_400), actionsPerCluster: Int = 1000, eventsPerCluster: Int = 1000, batchSize: Int = 500) {
        self.maxAge = maxAge
        self.actionsPerCluster = actionsPerCluster
        self.eventsPerCluster = eventsPerCluster
        self.batchSize = batchSize
    }

    /// Seven days, 1000 finished actions and 1000 events per cluster.
    public static let standard = RetentionPolicy()
}
