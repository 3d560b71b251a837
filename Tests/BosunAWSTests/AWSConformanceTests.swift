import BosunAWS
import BosunProvider
import BosunProviderConformance
import Foundation
import Testing

/// The provider contract against a real moto server (`MotoServer`), reset before each test.
/// Serialized: moto answers one request at a time, and a reset would pull the floor from
/// under a parallel test.
extension MotoTests {
@Suite struct AWSConformanceTests {
    static let fixture = ConformanceFixture(
        clusterPrefix: "conf", azs: ["us-east-1a", "us-east-1b"], vmType: "t3.micro", image: "ami-12c6146b", diskType: "gp3",
        diskSizeMiB: 1024, deadline: .seconds(30), pollInterval: .milliseconds(100), attempts: 8, retryDelay: .milliseconds(100))

    @Test(arguments: ConformanceRule.allCases)
    func providerRule(_ rule: ConformanceRule) async throws {
        try await MotoServer.shared.reset()
        let provider = try await MotoServer.shared.provider()
        try await ProviderConformance(fixture: Self.fixture) { provider }.check(rule)
    }

    /// The agent rules again with liveness from SSM `DescribeInstanceInformation`, which the
    /// proxy answers for moto (online, pinged now), so the SSM path runs too.
    @Test func agentRulesWithSSMLiveness() async throws {
        try await MotoServer.shared.reset()
        try await Proxy.with(upstream: try await MotoServer.shared.url(), arguments: ["--ssm-online"]) { proxy in
            let configuration = AWSConfiguration(
                region: "us-east-1", credentials: AWSCredentials(accessKeyID: "AKIDTEST", secretAccessKey: "test-secret"),
                endpoints: AWSEndpoints(global: proxy.url), liveness: .ssm)
            let provider = AWSProvider(transport: AWSTransport(configuration: configuration), commandPoll: .milliseconds(50))
            try await AgentConformance(fixture: Self.fixture) { (provider, provider) }.checkAll()
            #expect((try await proxy.stats().calls["DescribeInstanceInformation"] ?? 0) > 0)
            try await ProviderConformance(fixture: Self.fixture) { provider }.check(.bulkObservation)
        }
    }

    @Test(arguments: AgentRule.allCases)
    func agentRule(_ rule: AgentRule) async throws {
        try await MotoServer.shared.reset()
        let provider = try await MotoServer.shared.provider()
        try await AgentConformance(fixture: Self.fixture) { (provider, provider) }.check(rule)
    }
}
}
