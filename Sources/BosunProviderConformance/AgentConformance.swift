import BosunProvider

/// The `NodeAgent` contract (`docs/providers.md`) as an executable suite, for providers that
/// run an agent on their VMs. Use like `ProviderConformance`.
public struct AgentConformance: Sendable {
    /// A provider and the agent that runs on its VMs (often one value playing both parts).
    public typealias Target = (provider: any InfrastructureProvider, agent: any NodeAgent)

    public let fixture: ConformanceFixture
    private let makeTarget: @Sendable () async throws -> Target

    public init(fixture: ConformanceFixture = ConformanceFixture(), makeTarget: @escaping @Sendable () async throws -> Target) {
        self.fixture = fixture
        self.makeTarget = makeTarget
    }

    /// Checks one rule, then removes what it made (best effort). Throws `ConformanceFailure`
    /// if the agent breaks the rule, or if the factory throws.
    public func check(_ rule: AgentRule) async throws(ConformanceFailure) {
        let target: Target
        do { target = try await makeTarget() } catch {
            throw ConformanceFailure(rule: rule.rawValue, message: "the provider factory threw \(error)")
        }
        let probe = ConformanceProbe(provider: target.provider, rule: rule.rawValue, fixture: fixture)
        let agent = AgentProbe(probe: probe, agent: target.agent)
        let result: Result<Void, ConformanceFailure>
        do { result = .success(try await agent.run(rule)) } catch { result = .failure(error) }
        await probe.tidy(lbs: [])
        try result.get()
    }

    /// Checks every rule and throws one `ConformanceFailure` listing every broken rule.
    public func checkAll() async throws(ConformanceFailure) {
        var failures: [ConformanceFailure] = []
        for rule in AgentRule.allCases {
            do { try await check(rule) } catch { failures.append(error) }
        }
        guard failures.isEmpty else {
            throw ConformanceFailure(
                rule: failures.map(\.rule).joined(separator: ", "),
                message: failures.map { "\($0.rule): \($0.message)" }.joined(separator: "; "))
        }
    }
}
