import ArgumentParser

/// `bosun sim kill VM`: the VM vanishes, as if the cloud lost it.
struct SimKillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill", abstract: "Make a VM vanish (its disks detach and stay).")

    @OptionGroup var sim: SimOptions

    @Argument(help: "VM id, e.g. vm-000001.")
    var vm: String

    func run() async throws {
        try await sim.withCloud { try await $0.console.kill(vm: vm) }
        print("killed \(vm)")
    }
}
