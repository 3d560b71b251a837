import ArgumentParser
import BosunSim
import Foundation

/// `bosun sim vms`: every simulated VM with its state and its agent's jobs.
struct SimVMsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vms", abstract: "List the simulated VMs, their state and their jobs.",
        discussion: """
            A job failing on every start shows as kubelet=failed(always), one with N more failing starts as \
            kubelet=starting(N more); a SILENT SINCE column appears when an agent is silenced.
            """)

    @OptionGroup var sim: SimOptions

    @Option(help: "Only this cluster's VMs.")
    var cluster: String?

    @Flag(help: "Print one JSON document.")
    var json = false

    /// The JSON shape. Keys are only ever added: `address`, `sticky_failures` (job → `always` or the number
    /// of starts still to fail) and `silent_since` (nil while the agent heartbeats) came later.
    struct Row: Encodable {
        var id, cluster, group: String
        var index: Int
        var instanceId, az, vmType, image, state, idempotencyKey: String
        var address: String?
        var jobs: [String: String]
        var lastHeartbeat: String?
        var stickyFailures: [String: String]
        var silentSince: String?

        init(_ status: SimVMStatus) {
            let vm = status.vm
            (id, cluster, group, index, instanceId, az) = (vm.id, vm.cluster, vm.group, vm.index, vm.instanceID, vm.az)
            (vmType, image, state, idempotencyKey) = (vm.vmType, vm.image, vm.state.rawValue, vm.idempotencyKey)
            address = vm.address
            jobs = status.jobs.mapValues(\.rawValue)
            lastHeartbeat = status.lastHeartbeat?.formatted(.iso8601)
            stickyFailures = status.stickyFailures.mapValues { failure in
                switch failure {
                case .once: "0"
                case .times(let count): "\(count)"
                case .always: "always"
                }
            }
            silentSince = status.silentSince?.formatted(.iso8601)
        }

        /// `kubelet=running etcd=failed(always)`, by job name.
        var jobsColumn: String {
            let shown = jobs.sorted { $0.key < $1.key }.map { name, state in
                let sticky = stickyFailures[name].map { $0 == "always" ? "(always)" : "(\($0) more)" } ?? ""
                return "\(name)=\(state)\(sticky)"
            }
            return shown.isEmpty ? "-" : shown.joined(separator: " ")
        }
    }

    func run() async throws {
        let rows = try await sim.withCloud(create: false) { try await $0.console.vms(cluster: cluster) }.map(Row.init)
        if json { return try Output.json(["vms": rows]) }
        guard !rows.isEmpty else { return print("no VMs in \(sim.statePath)") }
        // The column appears only when some agent is silent, so the usual table stays as it was.
        let silence = rows.contains { $0.silentSince != nil }
        let header = ["VM", "CLUSTER", "GROUP", "INDEX", "AZ", "TYPE", "IMAGE", "STATE"] + (silence ? ["SILENT SINCE"] : []) + ["JOBS"]
        Output.table(
            header,
            rows.map { row in
                [row.id, row.cluster, row.group, "\(row.index)", row.az, row.vmType, row.image, row.state]
                    + (silence ? [row.silentSince ?? "-"] : []) + [row.jobsColumn]
            },
            paint: { column, cell in column == 7 ? Output.color(of: cell) : nil })
    }
}
