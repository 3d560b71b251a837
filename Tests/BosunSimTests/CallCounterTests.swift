import BosunProvider
import BosunSim
import Foundation
import Testing

/// Provider calls per operation: counted in memory, written in batches, summed across processes.
@Suite struct CallCounterTests {
    let clock = TestClock()
    let sandbox: SimSandbox

    init() throws { sandbox = try SimSandbox() }

    private func sim(_ arguments: String...) async throws -> BosunBinary.Result {
        try await BosunBinary.run(["sim"] + arguments + ["--state", sandbox.statePath], in: sandbox.directory)
    }

    struct Report: Decodable {
        struct Operation: Decodable, Equatable { var operation: String; var calls, errors: Int }
        var operations: [Operation]
        var totalCalls, totalErrors: Int
        var reset: Bool
    }

    /// `bosun sim calls --json` in its own process.
    private func report(_ extra: String...) async throws -> Report {
        let result = try await BosunBinary.run(
            ["sim", "calls", "--json", "--state", sandbox.statePath] + extra, in: sandbox.directory)
        #expect(result.status == 0, "\(result.stderr)")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Report.self, from: Data(result.stdout.utf8))
    }

    @Test func everyProviderCallIsCountedByOperationAndFailuresAsErrors() async throws {
        let cloud = try sandbox.open(clock: clock)
        try await cloud.console.configure { $0.overrides[.listDisks] = SimFaults(terminalRate: 1) }
        _ = try await cloud.populate()
        for _ in 0..<3 { _ = try await cloud.listVMs(cluster: "demo") }
        for _ in 0..<2 { _ = try await cloud.health(cluster: "demo") }
        await expectProviderError(.terminal, SimErrorCode.injectedFailure) { _ = try await cloud.listDisks(cluster: "demo") }
        await expectProviderError(.terminal, ProviderError.notFound) { try await cloud.startVM(id: "vm-999999") }
        _ = try await cloud.console.vms()
        let counts = try await cloud.console.calls()
        #expect(counts == [
            SimCallCount(operation: .listVMs, calls: 3, errors: 0), SimCallCount(operation: .createVM, calls: 1, errors: 0),
            SimCallCount(operation: .startVM, calls: 1, errors: 1), SimCallCount(operation: .listDisks, calls: 1, errors: 1),
            SimCallCount(operation: .createDisk, calls: 1, errors: 0), SimCallCount(operation: .attachDisk, calls: 1, errors: 0),
            SimCallCount(operation: .register, calls: 1, errors: 0), SimCallCount(operation: .startJobs, calls: 1, errors: 0),
            SimCallCount(operation: .health, calls: 2, errors: 0),
        ], "operator calls (configure, vms) are not counted")
        #expect(try await cloud.console.calls(reset: true).reduce(0) { $0 + $1.calls } == 12)
        #expect(try await cloud.console.calls().isEmpty)
        _ = try await cloud.listVMs(cluster: "demo")
        try await cloud.console.reset()
        #expect(try await cloud.console.calls().isEmpty, "a reset cloud has no counts")
    }

    @Test func countsReachTheFileOncePerSecondAndOnCloseAndAddUpAcrossProcesses() async throws {
        let cloud = try sandbox.open(clock: clock)
        _ = try await cloud.listVMs(cluster: "demo")
        #expect(try await report().totalCalls == 0, "a batch waits for its second")
        clock.advance(1)
        _ = try await cloud.listVMs(cluster: "demo")
        #expect(try await report().operations == [.init(operation: "listVMs", calls: 2, errors: 0)])
        _ = try await cloud.health(cluster: "demo")
        try cloud.close()
        #expect(try await report().totalCalls == 3, "closing writes the rest")

        let created = try await sim("create-vm", "--cluster", "demo", "--key", "k", "--count", "2")
        #expect(created.status == 0, "\(created.stderr)")
        let both = try await report()
        #expect(both.operations == [
            .init(operation: "listVMs", calls: 2, errors: 0), .init(operation: "createVM", calls: 2, errors: 0),
            .init(operation: "health", calls: 1, errors: 0),
        ])
        #expect(both.totalCalls == 5 && both.totalErrors == 0 && !both.reset)

        let reset = try await report("--reset")
        #expect(reset.totalCalls == 5 && reset.reset)
        #expect(try await report().totalCalls == 0)
        let text = try await sim("calls")
        #expect(text.status == 0 && text.stdout == "no provider calls counted in \(sandbox.statePath)\n", "\(text.stdout)")
    }

    @Test func theTableEndsWithATotal() async throws {
        let cloud = try sandbox.open(clock: clock)
        _ = try await cloud.populate()
        try cloud.close()
        let table = try await sim("calls")
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines.first == "OPERATION CALLS ERRORS")
        #expect(lines.contains("createVM 1 0"))
        #expect(lines.last == "total 5 0")
    }
}
