import BosunProvider

/// Reading a cluster's state from its provider failed, so what the cloud holds is unknown.
/// Distinct from a failed action: nothing was planned or changed, and acting on a partial or
/// empty observation could recreate or delete healthy instances, so the pass stops here.
public struct ObservationFailure: Error, Sendable, CustomStringConvertible {
    /// The cluster that could not be observed.
    public var cluster: String
    /// The provider call that failed (`listVMs`, `listDisks`, `health`, `listMembers(lb)`).
    public var call: String
    /// The provider's error after the observer's own short retries.
    public var error: ProviderError

    public init(cluster: String, call: String, error: ProviderError) {
        self.cluster = cluster
        self.call = call
        self.error = error
    }

    /// What failed, without the cluster: `listVMs failed: ServiceUnavailable: …`.
    public var reason: String { "\(call) failed: \(error)" }

    public var description: String { "could not observe cluster \(cluster): \(reason)" }
}
