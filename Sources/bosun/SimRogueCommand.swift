import ArgumentParser

/// `bosun sim rogue CLUSTER`: a VM tagged as the cluster's that nobody asked for.
struct SimRogueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rogue", abstract: "Create a VM tagged as a cluster's that nobody asked for.")

    @OptionGroup var sim: SimOptions

    @Argument(help: "Cluster name.")
    var cluster: String

    func run() async throws {
        let vm = try await sim.withCloud { try await $0.console.rogue(cluster: cluster) }
        print("created rogue \(vm.id) in \(cluster) (group \(vm.group), \(vm.az))")
    }
}
