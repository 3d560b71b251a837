import ArgumentParser

/// `bosun bench …`: benchmarks that print figures and ratios; never part of the tests.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print figures and ratios against a baseline measured in the same run.",
        subcommands: [BenchIngestCommand.self, BenchReconcileCommand.self, BenchSimCommand.self, BenchDriftCommand.self, BenchScaleCommand.self, BenchAWSCommand.self, BenchMetricsCommand.self])
}
