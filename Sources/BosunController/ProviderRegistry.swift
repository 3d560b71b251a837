import BosunModel
import BosunProvider

/// The infrastructure provider and node agent that serve one cluster's `provider:`.
public struct ProviderHandle: Sendable {
    public var infrastructure: any InfrastructureProvider
    public var agent: any NodeAgent
    /// Shared by every cluster on this provider.
    public var bucket: TokenBucket

    public init(infrastructure: any InfrastructureProvider, agent: any NodeAgent, bucket: TokenBucket) {
        self.infrastructure = infrastructure
        self.agent = agent
        self.bucket = bucket
    }
}

/// Providers by kind, built once at start-up by the CLI.
public struct ProviderRegistry: Sendable {
    private let handles: [ProviderKind: ProviderHandle]

    public init(_ handles: [ProviderKind: ProviderHandle]) { self.handles = handles }

    /// The handle for `kind`; throws a terminal error naming what is missing.
    public func handle(_ kind: ProviderKind) throws -> ProviderHandle {
        guard let h = handles[kind] else {
            throw ProviderError(.terminal, code: "ProviderUnavailable", message: "provider '\(kind.rawValue)' is not configured in this controller")
        }
        return h
    }
}
