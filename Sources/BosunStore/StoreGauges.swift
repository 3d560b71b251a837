import Foundation

/// What the state database says when `/metrics` is scraped: counts read in one transaction.
public struct StoreGauges: Sendable, Hashable {
    /// Clusters not deleted, by phase (`converged`, `reconciling`, `failed`, `meltdown`, …).
    public var clustersByPhase: [String: Int] = [:]
    /// Every cluster, by lifecycle (`active`, `orphaned`, `pending-deletion`, `deleted`, …).
    public var clustersByLifecycle: [String: Int] = [:]
    /// Unresolved findings, by kind.
    public var openFindingsByKind: [String: Int] = [:]
    /// The earliest `not_after` of an active certificate of a cluster not deleted.
    public var earliestCertificateExpiry: Date?
    /// Size of the database file and its write-ahead log, in bytes.
    public var databaseBytes: Int64 = 0
    /// Rows in the action journal.
    public var journalRows: Int = 0
    /// Spec files currently rejected.
    public var rejectedSpecFiles: Int = 0
    /// When the oldest generation still rolling out was accepted: an active cluster whose
    /// current generation has not converged yet. Nil when every cluster has converged.
    public var oldestRolloutSince: Date?
}
