import ArgumentParser
import BosunController
import BosunPlanner
import Foundation

/// `bosun drift [CLUSTER]`: observe now and print what differs from the spec, acting on nothing.
struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Observe now and print drift findings; act on nothing.",
        discussion: "Exit 0 when there are no findings, 2 when there are some, 1 on error.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var execution: ExecutionOptions
    @OptionGroup var providers: ProviderOptions

    @Flag(help: "Print one JSON document.")
    var json = false

    @Argument(help: "The cluster to observe (default: every cluster Bosun reconciles).")
    var cluster: String?

    struct Report: Encodable {
        var cluster: String
        /// `heal`, or why healing is suppressed (meltdown, healing.enabled false).
        var healing: String
        var findings: [Item]
    }

    struct Item: Encodable {
        var kind: String
        var instance: String?
        var resource: String
        var detail: String
    }

    func run() async throws {
        let factory = try ControllerFactory(global: global, execution: execution, providers: providers, role: "drift", createStore: false)
        defer { factory.close() }
        let targets: [String]
        if let cluster {
            guard try factory.store.clusterStatuses(name: cluster).first != nil else {
                let known = try factory.store.clusterStatuses().map(\.cluster)
                Output.error("no cluster named '\(cluster)' (known: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
                throw ExitCode.failure
            }
            targets = [cluster]
        } else {
            targets = try factory.store.reconcilableClusters()
        }
        let drifts: [Drift]
        do {
            drifts = try await factory.reconciler.driftAll(targets)
        } catch {
            Output.error("\(error)")
            throw ExitCode.failure
        }
        let reports = drifts.map { drift in
            let healing: String
            switch drift.mode {
            case .heal: healing = "heal"
            case .suppressed(let reason): healing = "suppressed: \(reason)"
            }
            return Report(
                cluster: drift.plan.cluster, healing: healing,
                findings: drift.findings.map { Item(kind: $0.kind.rawValue, instance: $0.instance, resource: $0.resource, detail: $0.message) })
        }
        if json {
            try Output.json(reports)
        } else {
            print(reports)
        }
        if reports.contains(where: { !$0.findings.isEmpty }) { throw ExitCode(2) }
    }

    private func print(_ reports: [Report]) {
        let rows = reports.flatMap { r in r.findings.map { [r.cluster, $0.kind, $0.instance ?? "-", $0.resource, $0.detail] } }
        if rows.isEmpty {
            Swift.print("no drift: \(reports.count) cluster(s) match what Bosun last applied")
        } else {
            Output.table(["CLUSTER", "KIND", "INSTANCE", "RESOURCE", "DETAIL"], rows)
        }
        for r in reports where r.healing != "heal" {
            Swift.print(Output.paint("\(r.cluster): healing \(r.healing)", .yellow))
        }
    }
}
