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

        static func provider(_ endpoint: URL, timeout: Int64 = 30, memoLifetime: Duration = .seconds(2)) -> AWSProvider {
            let configuration = AWSConfiguration(
                region: "us-east-1", credentials: AWSCredentials(accessKeyID: "AKIDTEST", secretAccessKey: "test-secret"),
                endpoints: AWSEndpoints(global: endpoint), liveness: .instanceState)
            return AWSProvider(
                transport: AWSTransport(configuration: configuration, requestTimeout: .seconds(timeout)), commandPoll: .milliseconds(20),
                memoLifetime: memoLifetime)
        }

        /// Polls `listVMs` until `count` VMs of the cluster run (moto's answer to RunInstances
        /// says pending).
        static func running(_ provider: AWSProvider, count: Int) async throws -> [VM] {
            let deadline = ContinuousClock.now + .seconds(30)
            while true {
                let vms = try await provider.listVMs(cluster: "behave")
                if vms.count == count, vms.allSatisfy({ $0.state == .running }) { return vms }
                guard ContinuousClock.now < deadline else { throw Tools.Failure(description: "VMs not running: \(vms)") }
                try await Task.sleep(for: .milliseconds(50))
            }
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

        /// A key the controller says is new is not looked up; one read of the cluster serves
        /// the actions after it, with the provider's own tag write applied to it; and what AWS
        /// holds agrees with that (a provider with no memory reads the same).
        @Test func aNewKeyIsNotLookedUpAndOneReadServesTheActionsAfterIt() async throws {
            try await MotoServer.shared.reset()
            let url = try await MotoServer.shared.url()
            let provider = Self.provider(url, memoLifetime: .seconds(600))
            var request = Self.request("fresh-key")
            request.keyIsNew = true
            let vm = try await provider.createVM(request)
            #expect(provider.transport.calls.snapshot()["ec2:DescribeInstances"] == nil, "a new key needs no lookup")
            _ = try await Self.running(provider, count: 1)
            let reads = provider.transport.calls.snapshot()["ec2:DescribeInstances"]
            try await provider.startJobs(vmID: vm.id, jobs: ["kubelet"])
            #expect(try await provider.health(cluster: "behave")[vm.id]?.jobs["kubelet"] == .running)
            #expect(provider.transport.calls.snapshot()["ec2:DescribeInstances"] == reads, "startJobs and health reuse the last read")
            #expect(try await Self.provider(url).health(cluster: "behave")[vm.id]?.jobs["kubelet"] == .running)
            // Not new: looked up and found, so no second instance.
            #expect(try await provider.createVM(Self.request("fresh-key")).id == vm.id)
            #expect(provider.transport.calls.snapshot()["ec2:RunInstances"] == 1)
        }

        /// Power decisions never trust the remembered description: an instance another process
        /// stopped a moment ago is started, not taken for running.
        @Test func startReadsTheInstanceAfreshNotFromMemory() async throws {
            try await MotoServer.shared.reset()
            let url = try await MotoServer.shared.url()
            let provider = Self.provider(url, memoLifetime: .seconds(600))
            let vm = try await provider.createVM(Self.request("power-key"))
            _ = try await Self.running(provider, count: 1)  // remembered: running
            try await Self.provider(url).stopVM(id: vm.id)  // behind its back
            try await provider.startVM(id: vm.id)
            #expect(provider.transport.calls.snapshot()["ec2:StartInstances"] == 1, "it saw the instance stopped")
        }

        /// A script that fails on one instance of a batched `SendCommand` fails that instance's
        /// action alone, with systemd's message, and its jobs read as failed; the others run.
        @Test func aCommandFailingOnOneInstanceFailsThatOneAlone() async throws {
            try await MotoServer.shared.reset()
            try await Proxy.with(upstream: try await MotoServer.shared.url(), arguments: ["--fail-commands", "1"]) { proxy in
                let provider = Self.provider(proxy.url)
                for n in 0..<3 { _ = try await provider.createVM(Self.request("cmd-\(n)")) }
                let vms = try await Self.running(provider, count: 3)
                let outcomes = await withTaskGroup(of: (String, ProviderError?).self) { group in
                    for vm in vms {
                        group.addTask {
                            do {
                                try await provider.startJobs(vmID: vm.id, jobs: ["kubelet", "kube-proxy"])
                                return (vm.id, nil)
                            } catch {
                                return (vm.id, error as? ProviderError ?? ProviderError(.terminal, code: "Other", message: "\(error)"))
                            }
                        }
                    }
                    return await group.reduce(into: [String: ProviderError?]()) { $0[$1.0] = $1.1 }
                }
                let failed = outcomes.compactMap { id, error in error.map { (id, $0) } }
                #expect(failed.count == 1, "\(outcomes)")
                let (failedID, error) = try #require(failed.first)
                #expect(error.code == "CommandFailed")
                #expect(error.message.contains("Unit kube-proxy.service not found"))
                let health = try await provider.health(cluster: "behave")
                for vm in vms {
                    let expected: JobState = vm.id == failedID ? .failed : .running
                    #expect(health[vm.id]?.jobs == ["kubelet": expected, "kube-proxy": expected], "\(vm.id)")
                }
                let calls = try await proxy.stats().calls
                #expect((calls["SendCommand"] ?? 0) <= 3)
                #expect((calls["ListCommands"] ?? 0) >= 1, "Pending is polled until the command is over")
            }
        }
    }
}
