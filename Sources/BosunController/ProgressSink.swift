import BosunPlanner

/// What the executor reports as it goes, for `bosun apply`'s progress lines. Events of one
/// cluster arrive in order; events of different clusters interleave.
public enum ProgressEvent: Sendable {
    /// A plan is about to run: its actions per instance (the cluster's own, such as a load
    /// balancer step, under the cluster's name), which instances are canaries, and what
    /// happens to each (`PlanPresentation.Change`).
    case planned(cluster: String, actions: [String: Int], canaries: Set<String>, changes: [String: PlanPresentation.Change])
    /// The first attempt of an action started.
    case started(cluster: String, instance: String, action: String)
    /// An action ended: succeeded, failed for good, or cancelled or parked (`succeeded` false).
    case finished(cluster: String, instance: String, action: String, succeeded: Bool)
}

/// Where a reconciler sends `ProgressEvent`s; the default drops them.
public struct ProgressSink: Sendable {
    let emit: @Sendable (ProgressEvent) -> Void

    public init(_ emit: @escaping @Sendable (ProgressEvent) -> Void = { _ in }) { self.emit = emit }

    func callAsFunction(_ event: ProgressEvent) { emit(event) }
}
