import ArgumentParser
import BosunSim

/// `bosun sim calls [--json] [--reset]`: provider calls per operation, summed over every
/// process using the sim, so a benchmark can report calls per observation sweep.
struct SimCallsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls", abstract: "Count provider calls per operation (and with --reset start again from zero).",
        discussion: """
            Every provider and agent call counts, failed ones (injected faults included) also as errors; \
            `bosun sim` commands themselves do not. Each process writes its counts at least once a second \
            while it makes calls, and when it exits, so a running controller's last second may be missing.
            """)

    @OptionGroup var sim: SimOptions

    @Flag(help: "Print the counts, then set every counter to zero (in one transaction).")
    var reset = false

    @Flag(help: "Print one JSON document.")
    var json = false

    /// The JSON document: `{state, operations: [{operation, calls, errors}], total_calls, total_errors, reset}`.
    struct Report: Encodable {
        struct Operation: Encodable {
            var operation: String
            var calls, errors: Int
        }

        var state: String
        var operations: [Operation]
        var totalCalls, totalErrors: Int
        var reset: Bool
    }

    func run() async throws {
        let counts = try await sim.withCloud(create: false) { try await $0.console.calls(reset: reset) }
        let report = Report(
            state: sim.statePath, operations: counts.map { .init(operation: $0.operation.rawValue, calls: $0.calls, errors: $0.errors) },
            totalCalls: counts.reduce(0) { $0 + $1.calls }, totalErrors: counts.reduce(0) { $0 + $1.errors }, reset: reset)
        if json { return try Output.json(report) }
        if counts.isEmpty {
            print("no provider calls counted in \(sim.statePath)")
        } else {
            Output.table(
                ["OPERATION", "CALLS", "ERRORS"],
                report.operations.map { [$0.operation, "\($0.calls)", "\($0.errors)"] } + [["total", "\(report.totalCalls)", "\(report.totalErrors)"]])
        }
        if reset { print("counters reset to zero") }
    }
}
