import ArgumentParser

/// `bosun sim start VM…`: stopped VMs power on behind the controller's back, their jobs with
/// them, all in one step.
struct SimStartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Power stopped VMs on again, together (their jobs come back with them).")

    @OptionGroup var sim: SimOptions

    @Argument(help: "VM ids.")
    var vms: [String]

    func validate() throws {
        guard !vms.isEmpty else { throw ValidationError("name at least one VM id") }
    }

    func run() async throws {
        try await sim.withCloud { try await $0.console.start(vms: vms) }
        for vm in vms { print("started \(vm)") }
    }
}
