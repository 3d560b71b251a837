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

    /// The handle for the drift sweep (no spec): the environment's region, if it names one.
    func defaultHandle() -> ProviderHandle? {
        guard let configuration = try? AWSConfiguration.resolve(environment: environment) else { return nil }
        let spec = ClusterSpec(
            name: "sweep", provider: .aws, region: configuration.region, image: "", kubernetes: KubernetesSpec(version: "0.0.0"),
            update: .defaults, healing: .defaults, deletion: .protect, groups: [])
        return try? handle(for: spec)
    }

    static func settings(_ spec: AWSClusterSettings) -> AWSProviderSettings {
        AWSProviderSettings(
            subnets: spec.subnets, securityGroups: spec.securityGroups, keyPair: spec.keyPair, instanceProfile: spec.instanceProfile,
            rootDiskGiB: spec.rootDiskGiB, targetGroupProtocol: spec.targetGroup.protocol, targetGroupPort: spec.targetGroup.port,
            healthCheckProtocol: spec.targetGroup.healthCheckProtocol, healthCheckPort: spec.targetGroup.healthCheckPort,
            healthCheckPath: spec.targetGroup.healthCheckPath)
    }
}
