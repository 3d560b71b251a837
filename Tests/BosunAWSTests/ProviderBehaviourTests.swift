import BosunAWS
import BosunProvider
import Foundation
import Testing

extension MotoTests {
    /// What AWS does and moto does not, played by the proxy in front of moto.
    @Suite struct ProviderBehaviourTests {
        static func request(_ key: String) -> VMRequest {
            VMRequest(
                cluster: "behave", group: "worker", index: 0, instanceID: "behave/worker/0", az: "us-east-1a", vmType: "t3.micro",
                image: "ami-12c6146b", idempotencyKey: key)
        }

        static func provider(_ endpoint: URL, timeout: Int64 = 30) -> AWSProvider {
            let configuration = AWSConfiguration(
                region: "us-east-1", credentials: AWSCredentials(accessKeyID: "AKIDTEST", secretAccessKey: "test-secret"),
                endpoints: AWSEndpoints(global: endpoint), liveness: .instanceState)
            return AWSProvider(transport: AWSTransport(configuration: configuration, requestTimeout: .seconds(timeout)))
        }

        /// AWS answers a reused ClientToken with the instance it first made, even terminated:
        /// the provider runs again under another token instead of returning a dead VM.
        @Test func aReplayedTerminatedInstanceIsNotReturned() async throws {
            try await MotoServer.shared.reset()
            try await Proxy.with(upstream: try await MotoServer.shared.url(), arguments: ["--replay-terminated", "2"]) { proxy in
                let provider = Self.provider(proxy.url)
                let vm = try await provider.createVM(Self.request("behave-key"))
                #expect(!vm.id.hasPrefix("i-0dead"))
                let stats = try await proxy.stats()
                #expect(stats.replayed == 2)
                #expect(stats.calls["RunInstances"] == 3)
                #expect(try await provider.listVMs(cluster: "behave").map(\.id) == [vm.id])
            }
        }

        /// A refused call (RequestLimitExceeded) is resent by the transport with backoff, and
        /// counted once per attempt.
        @Test func throttlingIsRetriedInsideTheTransport() async throws {
            try await MotoServer.shared.reset()
            try await Proxy.with(upstream: try await MotoServer.shared.url(), arguments: ["--throttle", "DescribeInstances", "--times", "2"]) { proxy in
                let provider = Self.provider(proxy.url)
                let listed = try await provider.listVMs(cluster: "behave")
                #expect(listed.isEmpty)
                #expect(provider.transport.calls.snapshot()["ec2:DescribeInstances"] == 3)
            }
        }

        /// More refusals than the transport's attempts: a retryable `Throttling` with a delay.
        @Test func persistentThrottlingSurfacesAsRetryable() async throws {
            try await MotoServer.shared.reset()
            try await Proxy.with(upstream: try await MotoServer.shared.url(), arguments: ["--throttle", "DescribeVolumes", "--times", "100"]) { proxy in
                let provider = Self.provider(proxy.url)
                let error = await #expect(throws: ProviderError.self) { try await provider.listDisks(cluster: "behave") }
                #expect(error?.kind == .retryable)
                #expect(error?.code == ProviderError.throttled)
                #expect(error?.retryAfter != nil)
            }
        }

        /// Nothing listening: a retryable error, never a crash or another error type (the HTTP
        /// client keeps trying to connect until the request's deadline, 2 s here).
        @Test func aConnectionFailureIsRetryable() async throws {
            let provider = Self.provider(URL(string: "http://127.0.0.1:\(try MotoServer.freePort())")!, timeout: 2)
            let error = await #expect(throws: ProviderError.self) { try await provider.listVMs(cluster: "behave") }
            #expect(error?.kind == .retryable)
            #expect(error?.code == ProviderError.unavailable)
        }
    }
}
