/// What one ingestion pass recorded, for logs and for queueing reconcile passes.
public struct IngestReport: Sendable {
    /// Clusters whose spec took effect, with their new generation.
    public var accepted: [(name: String, generation: Int)] = []
    /// Files newly rejected (or rejected with different errors than before).
    public var rejected: [String] = []
    /// Clusters released because their file is gone: orphaned or deleting.
    public var released: [(name: String, lifecycle: String)] = []
    /// Clusters whose file went missing: their deletion clock started.
    public var pendingDeletion: [String] = []
    /// Clusters held because their files vanished in a mass removal.
    public var held: [String] = []
    /// Clusters whose pending deletion or hold was cancelled because the file returned.
    public var restored: [String] = []

    public init() {}

    public var isEmpty: Bool {
        accepted.isEmpty && rejected.isEmpty && released.isEmpty && pendingDeletion.isEmpty && held.isEmpty && restored.isEmpty
    }

    /// Every cluster whose lifecycle or spec this pass changed (to queue a reconcile pass).
    public var touched: [String] {
        accepted.map(\.name) + released.map(\.name) + pendingDeletion + held + restored
    }

    /// Adds what a later pass recorded.
    public mutating func merge(_ other: IngestReport) {
        accepted += other.accepted
        rejected += other.rejected
        released += other.released
        pendingDeletion += other.pendingDeletion
        held += other.held
        restored += other.restored
    }
}
