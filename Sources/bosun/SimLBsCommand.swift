import ArgumentParser
import BosunSim

/// `bosun sim lbs`: every simulated load balancer and its members.
struct SimLBsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lbs", abstract: "List the simulated load balancers and their members.")

    @OptionGroup var sim: SimOptions

    @Flag(help: "Print one JSON document.")
    var json = false

    func run() async throws {
        let lbs = try await sim.withCloud(create: false) { try await $0.console.loadBalancers() }
        if json { return try Output.json(["lbs": lbs]) }
        guard !lbs.isEmpty else { return print("no load balancers in \(sim.statePath)") }
        Output.table(["LB", "MEMBERS"], lbs.map { [$0.name, $0.members.isEmpty ? "-" : $0.members.joined(separator: " ")] })
    }
}
