import ArgumentParser

/// `bosun`: declarative reconciliation of Kubernetes cluster infrastructure.
@main
struct Bosun: AsyncParsableCommand {
    /// Tunes the allocator, then parses and runs as usual.
    static func main() async {
        MemoryTuning.apply()
        await main(nil)
    }

    static let configuration = CommandConfiguration(
        commandName: "bosun",
        abstract: "Declarative reconciliation of Kubernetes cluster infrastructure.",
        discussion: """
            Operators write one YAML spec file per cluster into a watched directory; Bosun validates
            it, keeps the desired state in SQLite and reconciles the infrastructure towards it.
            """,
        version: "0.1.0",
        subcommands: [
            RunCommand.self, ApplyCommand.self, PlanCommand.self, ValidateCommand.self, StatusCommand.self,
            EventsCommand.self, DriftCommand.self, HealCommand.self, DeleteCommand.self, DisksCommand.self, CredsCommand.self, SimCommand.self,
            BenchCommand.self,
        ]
    )
}
