import ArgumentParser

/// `bosun sim deregister LB VM`: the VM drops out of the load balancer.
struct SimDeregisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deregister", abstract: "Remove a VM from a load balancer.")

    @OptionGroup var sim: SimOptions

    @Argument(help: "Load balancer name.")
    var lb: String

    @Argument(help: "VM id.")
    var vm: String

    func run() async throws {
        try await sim.withCloud { try await $0.console.deregister(lb: lb, vm: vm) }
        print("deregistered \(vm) from \(lb)")
    }
}
