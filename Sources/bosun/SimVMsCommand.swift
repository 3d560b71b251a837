import ArgumentParser
import BosunSim
import Foundation

/// `bosun sim vms`: every simulated VM with its state and its agent's jobs.
struct SimVMsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vms", abstract: "List the simulated VMs, their state and their jobs.")

    @OptionGroup var sim: SimOptions

    @Option(help: "Only this cluster's VMs.")
    var cluster: String?

    @Flag(help: "Print one JSON document.")
    var json = false

    struct Row: Encodable {
        var id, cluster, group: String
        var index: Int
        var instanceId, az, vmType, image, state, idempotencyKey: String
        var jobs: [String: String]
        var lastHeartbeat: String?

        init(_ status: SimVMStatus) {
            let vm = status.vm
            (id, cluster, group, index, instanceId, az) = (vm.id, vm.cluster, vm.group, vm.index, vm.instanceID, vm.az)
            (vmType, image, state, idempotencyKey) = (vm.vmType, vm.image, vm.state.rawValue, vm.idempotencyKey)
            jobs = status.jobs.mapValues(\.rawValue)
            lastHeartbeat = status.lastHeartbeat?.formatted(.iso8601)
        }
    }

    func run() async throws {
        let rows = try await sim.withCloud(create: false) { try await $0.console.vms(cluster: cluster) }.map(Row.init)
        if json { return try Output.json(["vms": rows]) }
        guard !rows.isEmpty else { return print("no VMs in \(sim.statePath)") }
        Output.table(
            ["VM", "CLUSTER", "GROUP", "INDEX", "AZ", "TYPE", "IMAGE", "STATE", "JOBS"],
            rows.map { row in
                let jobs = row.jobs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                return [row.id, row.cluster, row.group, "\(row.index)", row.az, row.vmType, row.image, row.state, jobs.isEmpty ? "-" : jobs]
            },
            paint: { column, cell in column == 7 ? Output.color(of: cell) : nil })
    }
}
