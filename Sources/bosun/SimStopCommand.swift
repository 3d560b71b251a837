import ArgumentParser

/// `bosun sim stop VM…`: VMs power off behind the controller's back, all in one step (so the
/// controller sees them go down together, as in a rack failure).
struct SimStopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Power VMs off, together (their jobs stop with them).")

    @OptionGroup var sim: SimOptions

    @Argument(help: "VM ids.")
    var vms: [String]

    func validate() throws {
        guard !vms.isEmpty else { throw ValidationError("name at least one VM id") }
    }

    func run() async throws {
        try await sim.withCloud { try await $0.console.stop(vms: vms) }
        for vm in vms { print("stopped \(vm)") }
    }
}
