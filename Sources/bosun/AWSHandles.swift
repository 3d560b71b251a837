import BosunAWS
import BosunController
import BosunModel
import BosunProvider
import Foundation
import Synchronization

/// The `aws` providers of one controller: one per (region, `aws:` block), built on first use
/// from the standard AWS environment (credentials, endpoints) and the spec's region, and
/// sharing one token bucket and one call counter.
final class AWSHandles: Sendable {
    let environment: [String: String]
    let bucket: TokenBucket
    let calls = AWSCallCounter()
    private let cache = Mutex<[String: ProviderHandle]>([:])

    init(environment: [String: String] = ProcessInfo.processInfo.environment, bucket: TokenBucket) {
        self.environment = environment
        self.bucket = bucket
    }

    /// The handle for `spec`. A configuration problem (no credentials, a bad endpoint URL) is
    /// a terminal `AWSConfiguration` error naming what is missing.
    func handle(for spec: ClusterSpec) throws -> ProviderHandle {
        let region = spec.region ?? ""
        let settings = Self.settings(spec.aws ?? AWSClusterSettings())
        let key = "\(region)|\(settings.hashValue)"
        if let found = cache.withLock({ $0[key] }) { return found }
        let configuration: AWSConfiguration
        do {
            configuration = try AWSConfiguration.resolve(environment: environment, region: spec.region)
        } catch {
            throw ProviderError(.terminal, code: "AWSConfiguration", message: error.message)
        }
        // The spec's region wins: a cluster lives where its spec says.
        let regional = spec.region.map { configuration.with(region: $0) } ?? configuration
        let provider = AWSProvider(transport: AWSTransport(configuration: regional, calls: calls), settings: settings)
        let handle = ProviderHandle(infrastructure: provider, agent: provider, bucket: bucket)
        return cache.withLock { cache in
            if let raced = cache[key] { return raced }
            cache[key] = handle
            return handle
        }
    }

    /// The handle for the drift sweep (no spec): an inventory over every region served so far
    /// and the environment's region (if it names one). Before any pass has run it may sweep
    /// nothing; every aws cluster then looks drifted and its pass runs, as at start-up anyway.
    func sweepHandle() -> ProviderHandle {
        let environmentRegion = (try? AWSConfiguration.resolve(environment: environment))?.region
        let sweep = AWSRegionalSweep { [self] in
            var regions: [String: AWSProvider] = [:]
            if let region = environmentRegion, regions[region] == nil, let handle = try? handle(for: Self.spec(region: region)),
                let provider = handle.infrastructure as? AWSProvider
            {
                regions[region] = provider
            }
            for handle in cache.withLock({ Array($0.values) }) {
                if let provider = handle.infrastructure as? AWSProvider { regions[provider.transport.configuration.region] = provider }
            }
            return regions
        }
        return ProviderHandle(infrastructure: sweep, agent: AWSSweepAgent(), bucket: bucket)
    }

    private static func spec(region: String) -> ClusterSpec {
        ClusterSpec(
            name: "sweep", provider: .aws, region: region, image: "", kubernetes: KubernetesSpec(version: "0.0.0"),
            update: .defaults, healing: .defaults, deletion: .protect, groups: [])
    }

    static func settings(_ spec: AWSClusterSettings) -> AWSProviderSettings {
        AWSProviderSettings(
            subnets: spec.subnets, securityGroups: spec.securityGroups, keyPair: spec.keyPair, instanceProfile: spec.instanceProfile,
            rootDiskGiB: spec.rootDiskGiB, targetGroupProtocol: spec.targetGroup.protocol, targetGroupPort: spec.targetGroup.port,
            healthCheckProtocol: spec.targetGroup.healthCheckProtocol, healthCheckPort: spec.targetGroup.healthCheckPort,
            healthCheckPath: spec.targetGroup.healthCheckPath)
    }
}

/// The sweep handle's agent: its reports come with the inventory pages, so it has nothing to do.
struct AWSSweepAgent: NodeAgent {
    func startJobs(vmID: String, jobs: [String]) async throws { throw ProviderError(.terminal, code: "NotRoutable", message: "use the spec's handle") }
    func stopJobs(vmID: String) async throws { throw ProviderError(.terminal, code: "NotRoutable", message: "use the spec's handle") }
    func restartJobs(vmID: String, jobs: [String]) async throws { throw ProviderError(.terminal, code: "NotRoutable", message: "use the spec's handle") }
    func health(cluster: String) async throws -> [String: NodeHealth] { throw ProviderError(.terminal, code: "NotRoutable", message: "use the spec's handle") }
    func configure(vmID: String, config: NodeConfig) async throws { throw ProviderError(.terminal, code: "NotRoutable", message: "use the spec's handle") }
    func configuration(vmID: String) async throws -> NodeConfig? { throw ProviderError(.terminal, code: "NotRoutable", message: "use the spec's handle") }
}
