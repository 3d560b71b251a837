import ArgumentParser
import BosunProvider
import BosunSim

/// `bosun sim disks`: every simulated disk and what it is attached to.
struct SimDisksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disks", abstract: "List the simulated disks and their attachments.")

    @OptionGroup var sim: SimOptions

    @Option(help: "Only this cluster's disks.")
    var cluster: String?

    @Flag(help: "Print one JSON document.")
    var json = false

    /// The JSON shape: `Disk`'s fields with keys an operator would type (`size_mib`).
    struct Row: Encodable {
        var id, cluster, instanceId, az: String
        var sizeMib: Int
        var type, attachedTo: String?
        var idempotencyKey: String

        init(_ disk: Disk) {
            (id, cluster, instanceId, az, sizeMib) = (disk.id, disk.cluster, disk.instanceID, disk.az, disk.sizeMiB)
            (type, attachedTo, idempotencyKey) = (disk.type, disk.attachedTo, disk.idempotencyKey)
        }
    }

    func run() async throws {
        let disks = try await sim.withCloud(create: false) { try await $0.console.disks(cluster: cluster) }
        if json { return try Output.json(["disks": disks.map(Row.init)]) }
        guard !disks.isEmpty else { return print("no disks in \(sim.statePath)") }
        Output.table(
            ["DISK", "CLUSTER", "INSTANCE", "AZ", "SIZE", "TYPE", "ATTACHED TO"],
            disks.map { [$0.id, $0.cluster, $0.instanceID, $0.az, "\($0.sizeMiB) MiB", $0.type ?? "-", $0.attachedTo ?? "-"] })
    }
}
