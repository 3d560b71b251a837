import BosunProvider

/// The provider contract (`docs/providers.md`) as an executable suite. A provider's tests give
/// it a factory and `try await` each rule; a broken rule throws `ConformanceFailure`.
///
/// ```swift
/// let suite = ProviderConformance { try SimCloud(path: freshPath()) }
/// @Test(arguments: ConformanceRule.allCases) func rule(_ rule: ConformanceRule) async throws {
///     try await suite.check(rule)
/// }
/// ```
public struct ProviderConformance: Sendable {
    public let fixture: ConformanceFixture
    private let makeProvider: @Sendable () async throws -> any InfrastructureProvider

    /// `makeProvider` is called once per rule; it may return a fresh provider each time (an
    /// empty sim) or the same shared cloud (rules keep to their own clusters).
    public init(
        fixture: ConformanceFixture = ConformanceFixture(),
        makeProvider: @escaping @Sendable () async throws -> any InfrastructureProvider
    ) {
        self.fixture = fixture
        self.makeProvider = makeProvider
    }

    /// Checks one rule, then removes what it made (best effort). Throws `ConformanceFailure`
    /// if the provider breaks the rule, or if the factory throws.
    public func check(_ rule: ConformanceRule) async throws(ConformanceFailure) {
        let provider: any InfrastructureProvider
        do { provider = try await makeProvider() } catch {
            throw ConformanceFailure(rule: rule.rawValue, message: "the provider factory threw \(error)")
        }
        let probe = ConformanceProbe(provider: provider, rule: rule.rawValue, fixture: fixture)
        let result: Result<Void, ConformanceFailure>
        do { result = .success(try await probe.run(rule)) } catch { result = .failure(error) }
        await probe.tidy(lbs: [probe.loadBalancer])
        try result.get()
    }

    /// Checks every rule (the recommended ones too unless `mandatoryOnly`), and throws one
    /// `ConformanceFailure` listing every broken rule.
    public func checkAll(mandatoryOnly: Bool = false) async throws(ConformanceFailure) {
        var failures: [ConformanceFailure] = []
        for rule in ConformanceRule.allCases where rule.isMandatory || !mandatoryOnly {
            do { try await check(rule) } catch { failures.append(error) }
        }
        guard failures.isEmpty else {
            throw ConformanceFailure(
                rule: failures.map(\.rule).joined(separator: ", "),
                message: failures.map { "\($0.rule): \($0.message)" }.joined(separator: "; "))
        }
    }
}

extension ConformanceProbe {
    var loadBalancer: String { "\(cluster)-lb" }

    func run(_ rule: ConformanceRule) async throws(ConformanceFailure) {
        switch rule {
        case .vmCreateIdempotent: try await vmCreateIdempotent()
        case .diskCreateIdempotent: try await diskCreateIdempotent()
        case .listAfterCreate: try await listAfterCreate()
        case .deleteMissingSucceeds: try await deleteMissingSucceeds()
        case .attachMissing: try await attachMissing()
        case .attachAttachedElsewhere: try await attachAttachedElsewhere()
        case .detachUnattached: try await detachUnattached()
        case .deleteAttachedDisk: try await deleteAttachedDisk()
        case .deleteVMKeepsDisks: try await deleteVMKeepsDisks()
        case .resize: try await resize()
        case .startStop: try await startStop()
        case .errorClassification: try await errorClassification()
        case .tagsRoundTrip: try await tagsRoundTrip()
        case .lbMembership: try await lbMembership()
        case .concurrentCreate: try await concurrentCreate()
        case .keyParameterMismatch: try await keyParameterMismatch()
        case .attachAcrossAZs: try await attachAcrossAZs()
        case .bulkObservation: try await bulkObservation()
        }
    }
}
