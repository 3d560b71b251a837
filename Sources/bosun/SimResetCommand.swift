import ArgumentParser

/// `bosun sim reset`: an empty cloud with default settings.
struct SimResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset", abstract: "Empty the simulated cloud and clear its faults and quotas.")

    @OptionGroup var sim: SimOptions

    func run() async throws {
        try await sim.withCloud { try await $0.console.reset() }
        print("reset \(sim.statePath): no VMs, disks or load balancers; no faults")
    }
}
