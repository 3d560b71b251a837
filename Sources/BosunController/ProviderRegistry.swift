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

/// Providers by kind, built once at start-up by the CLI. A kind whose handle depends on the
/// spec (`aws`: the spec's region and `aws:` block) has a resolver instead, which may cache.
public struct ProviderRegistry: Sendable {
    /// Builds (or finds) the handle serving one spec; throws a `ProviderError` when it cannot.
    public typealias Resolver = @Sendable (ClusterSpec) throws -> ProviderHandle

    private let handles: [ProviderKind: ProviderHandle]
    private let resolvers: [ProviderKind: Resolver]

    public init(_ handles: [ProviderKind: ProviderHandle], resolvers: [ProviderKind: Resolver] = [:]) {
        self.handles = handles
        self.resolvers = resolvers
    }

    /// The handle serving `spec`: its kind's resolver if it has one, else the kind's handle.
    public func handle(for spec: ClusterSpec) throws -> ProviderHandle {
        if let resolve = resolvers[spec.provider] { return try resolve(spec) }
        return try handle(spec.provider)
    }

    /// Whether `kind`'s handle depends on the spec (it has a resolver): then only
    /// `handle(for:)` serves a cluster, and `handle(_:)` at most sweeps.
    public func isResolvedPerSpec(_ kind: ProviderKind) -> Bool { resolvers[kind] != nil }

    /// The handle for `kind`; throws a terminal error naming what is missing.
    public func handle(_ kind: ProviderKind) throws -> ProviderHandle {
        guard let h = handles[kind] else {
            throw ProviderError(.terminal, code: "ProviderUnavailable", message: "provider '\(kind.rawValue)' is not configured in this controller")
        }
        return h
    }
}
