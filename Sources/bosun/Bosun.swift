import ArgumentParser
import Foundation

/// `bosun`: declarative reconciliation of Kubernetes cluster infrastructure.
@main
struct Bosun: AsyncParsableCommand {
    /// Tunes the allocator, then parses and runs as ArgumentParser's own `main` does, except
    /// that a duration without a unit (`--interval 5`) is told what a duration looks like.
    static func main() async {
        MemoryTuning.apply()
        do {
            var command = try parseAsRoot(nil)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            var lines = fullMessage(for: error).components(separatedBy: "\n")
            if let first = lines.first, first.contains("is invalid for"), first.contains("<duration>'") {
                lines[0] = first + ": a duration needs a unit, as in 250ms, 30s, 5m or 1h"
                FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
                Foundation.exit(exitCode(for: error).rawValue)
            }
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "bosun",
        abstract: "Declarative reconciliation of Kubernetes cluster infrastructure.",
        discussion: """
            Operators write one YAML spec file per cluster into a watched directory; Bosun validates \
            it, keeps the desired state in SQLite and reconciles the infrastructure towards it.
            """,
        version: "0.1.0",
        subcommands: [
            RunCommand.self, ApplyCommand.self, PlanCommand.self, ValidateCommand.self, RenderCommand.self, StatusCommand.self,
            EventsCommand.self, DriftCommand.self, HealCommand.self, DeleteCommand.self, DisksCommand.self, CredsCommand.self, SimCommand.self,
            LocalCommand.self, AgentCommand.self, BenchCommand.self,
        ]
    )
}
