import ArgumentParser

/// `bosun sim start VM`: a stopped VM powers on behind the controller's back, its jobs with it.
struct SimStartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Power a stopped VM on again (its jobs come back with it).")

    @OptionGroup var sim: SimOptions

    @Argument(help: "VM id.")
    var vm: String

    func run() async throws {
        try await sim.withCloud { try await $0.console.start(vm: vm) }
        print("started \(vm)")
    }
}
