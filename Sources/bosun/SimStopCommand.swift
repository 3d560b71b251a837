import ArgumentParser

/// `bosun sim stop VM`: the VM powers off behind the controller's back.
struct SimStopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Power a VM off (its jobs stop with it).")

    @OptionGroup var sim: SimOptions

    @Argument(help: "VM id.")
    var vm: String

    func run() async throws {
        try await sim.withCloud { try await $0.console.stop(vm: vm) }
        print("stopped \(vm)")
    }
}
