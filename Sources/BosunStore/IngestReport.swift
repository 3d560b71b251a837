/// What one ingestion pass recorded, for logs and for queueing reconcile passes.
public struct IngestReport: Sendable, Hashable {
    /// Clusters whose spec took effect, with their new generation.
    public var accepted: [(name: String, generation: Int)] = []
    /// Files newly rejected (or rejected with different errors than before).
    public var rejected: [String] = []
    /// Clusters released because their file is gone: orphaned or deleting.
    public var released: [(name: String, lifecycle: String)] = []

    public init() {}

    public var isEmpty: Bool { accepted.isEmpty && rejected.isEmpty && released.isEmpty }

    public static func == (a: IngestReport, b: IngestReport) -> Bool {
        a.accepted.map(\.name) == b.accepted.map(\.name) && a.accepted.map(\.generation) == b.accepted.map(\.generation)
            && a.rejected == b.rejected && a.released.map(\.name) == b.released.map(\.name)
            && a.released.map(\.lifecycle) == b.released.map(\.lifecycle)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(accepted.map(\.name))
        hasher.combine(rejected)
        hasher.combine(released.map(\.name))
    }
}
