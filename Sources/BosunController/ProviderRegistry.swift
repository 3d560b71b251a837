import BosunModel
import BosunProvider

/// The infrastructure provider and node agent that serve one cluster's `provider:`.
public struct ProviderHandle: Sendable {
    public var infrastructure: any InfrastructureProvider
    public var agent: any NodeAgent
    /// Shared by every cluster on this provider.
    public var bucket: TokenBucket
    /// Where calls through `measured` are counted; nil: not counted.
    public var metrics: ControllerMetrics?

    public init(infrastructure: any InfrastructureProvider, agent: any NodeAgent, bucket: TokenBucket) {
        self.infrastructure = infrastructure
        self.agent = agent
        self.bucket = bucket
    }

    /// Runs one provider or agent call, counting it (`bosun_provider_calls_total`, with its
    /// latency) by operation and result: `ok`, or the error's class.
    func measured<T>(_ operation: String, _ call: () async throws -> T) async throws -> T {
        guard let metrics else { return try await call() }
        let start = ContinuousClock.now
        do {
            let value = try await call()
            metrics.providerCall(provider: infrastructure.name, operation: operation, result: "ok", duration: ContinuousClock.now - start)
            return value
        } catch {
            let result = (error as? ProviderError).map { $0.isRetryable ? "retryable" : "terminal" } ?? "terminal"
            metrics.providerCall(provider: infrastructure.name, operation: operation, result: result, duration: ContinuousClock.now - start)
            throw error
        }
    }
}

/// Providers by kind, built once at start-up by the CLI. A kind whose handle depends on the
/// spec (`aws`: the spec's region and `aws:` block) has a resolver instead, which may cache.
public struct ProviderRegistry: Sendable {
    /// Builds (or finds) the handle serving one spec; throws a `ProviderError` when it cannot.
    public typealias Resolver = @Sendable (ClusterSpec) throws -> ProviderHandle

    private let handles: [ProviderKind: ProviderHandle]
    private let resolvers: [ProviderKind: Resolver]
    /// Attached to every handle served, so provider calls are counted.
    public var metrics: ControllerMetrics?

    public init(_ handles: [ProviderKind: ProviderHandle], resolvers: [ProviderKind: Resolver] = [:]) {
        self.handles = handles
        self.resolvers = resolvers
    }

    /// The handle serving `spec`: its kind's resolver if it has one, else the kind's handle.
    public func handle(for spec: ClusterSpec) throws -> ProviderHandle {
        if let resolve = resolvers[spec.provider] {
            var resolved = try resolve(spec)
            resolved.metrics = metrics
            return resolved
        }
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
        var handle = h
        handle.metrics = metrics
        return handle
    }
}
