import BosunProvider
import BosunProviderConformance
import BosunSim
import Foundation
import Testing

/// The provider contract, run against `sim` on real SQLite files, one fresh file per rule.
@Suite struct ConformanceTests {
    let sandbox: SimSandbox

    init() throws { sandbox = try SimSandbox() }

    @Test(arguments: ConformanceRule.allCases)
    func providerRule(_ rule: ConformanceRule) async throws {
        let sandbox = sandbox
        try await ProviderConformance { try sandbox.open() }.check(rule)
    }

    @Test(arguments: AgentRule.allCases)
    func agentRule(_ rule: AgentRule) async throws {
        let sandbox = sandbox
        try await AgentConformance {
            let cloud = try sandbox.open()
            return (cloud, cloud)
        }.check(rule)
    }

    /// The bulk rule again with pages of two items, so every cluster straddles pages.
    @Test func bulkObservationHoldsAcrossPages() async throws {
        let sandbox = sandbox
        try await ProviderConformance { try SimCloud(path: sandbox.directory + "/paged.db", inventoryPageSize: 2) }.check(.bulkObservation)
    }

    @Test func everyRuleHoldsWhileBootsAndJobStartsTakeTime() async throws {
        let sandbox = sandbox
        let make: @Sendable () async throws -> SimCloud = {
            let cloud = try sandbox.open()
            try await cloud.console.configure { $0.bootTime = .milliseconds(30); $0.jobStartTime = .milliseconds(30) }
            return cloud
        }
        try await ProviderConformance { try await make() }.checkAll()
        try await AgentConformance {
            let cloud = try await make()
            return (cloud, cloud)
        }.checkAll()
    }

    /// A third of all calls fail with a retryable error; the suite retries as the executor
    /// would, and every rule still holds because a failed call changes nothing.
    @Test func everyRuleHoldsUnderRetryableFaults() async throws {
        let fixture = ConformanceFixture(attempts: 30, retryDelay: .zero)
        let sandbox = sandbox
        let make: @Sendable () async throws -> SimCloud = {
            let cloud = try sandbox.open(sleeps: SleepRecorder())
            try await cloud.console.configure { $0.seed = 42; $0.faults.errorRate = 0.33 }
            return cloud
        }
        try await ProviderConformance(fixture: fixture) { try await make() }.checkAll()
        try await AgentConformance(fixture: fixture) {
            let cloud = try await make()
            return (cloud, cloud)
        }.checkAll()
        let failed = try await make()
        await expectProviderError(.retryable, ProviderError.unavailable) {
            for index in 0..<50 { _ = try await failed.createVM(Requests.vm(index)) }
        }
    }

    @Test func aBrokenRuleThrowsAFailureNamingIt() async throws {
        let sandbox = sandbox
        let suite = ProviderConformance {
            let cloud = try sandbox.open()
            try await cloud.console.configure { $0.overrides[.deleteVM] = SimFaults(terminalRate: 1) }
            return cloud
        }
        let failure = await #expect(throws: ConformanceFailure.self) { try await suite.check(.deleteMissingSucceeds) }
        #expect(failure?.rule == "delete-missing-succeeds")
        #expect(failure?.message.contains("InjectedFailure") == true)
    }

    @Test func theContractDocumentNamesEveryRule() throws {
        let doc = try String(
            contentsOf: BosunBinary.packageRoot.appendingPathComponent("docs/providers.md"), encoding: .utf8)
        for rule in ConformanceRule.allCases.map(\.rawValue) + AgentRule.allCases.map(\.rawValue) {
            #expect(doc.contains("`\(rule)`"), "docs/providers.md does not name rule \(rule)")
        }
    }
}
