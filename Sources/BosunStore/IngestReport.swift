/// What one ingestion pass recorded, for logs and for queueing reconcile passes.
public struct IngestReport: Sendable {
    /// Clusters whose spec took effect, with their new generation.
    public var accepted: [(name: String, generation: Int)] = []
    /// Files newly rejected (or rejected with different errors than before).
    public var rejected: [String] = []
    /// Clusters released because their file is gone: orphaned or deleting.
    public var released: [(name: String, lifecycle: String)] = []

    public init() {}

    public var isEmpty: Bool { accepted.isEmpty && rejected.isEmpty && released.isEmpty }
}
