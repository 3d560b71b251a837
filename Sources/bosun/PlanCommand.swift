import ArgumentParser
import BosunModel
import BosunController
import BosunPlanner
import BosunStore
import Foundation

/// `bosun plan [CLUSTER…]`: what `apply` would do, with reasons; changes nothing.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Ingest specs, observe, and print the ordered plan with reasons; change nothing.",
        discussion: "With --detailed-exitcode: 0 no changes, 2 changes, 1 error (Terraform's convention).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var execution: ExecutionOptions

    @OptionGroup var providers: ProviderOptions

    @OptionGroup var ingestOptions: IngestOptions

    @Flag(help: "Exit 2 when there are changes, 0 when none.")
    var detailedExitcode = false

    @Flag(help: "Print the plans as one JSON document.")
    var json = false

    @Argument(help: "Clusters to plan (default: every active or deleting cluster).")
    var clusters: [String] = []

    func run() async throws {
        // Like apply: --log-level and --log-format apply, and text logs are escaped.
        global.bootstrapLogging()
        try SpecsCheck.requireDirectory(global.specsDirectory)
        let factory = try ControllerFactory(global: global, execution: execution, providers: providers, role: "plan")
        defer { factory.close() }
        let targets = try await ingestAndSelect(factory: factory, clusters: clusters, specs: global.specsDirectory, options: ingestOptions)
        let plans: [Plan]
        do {
            plans = try await factory.reconciler.driftAll(targets).map(\.plan)
        } catch let failure as ObservationFailure {
            Output.error("\(failure)")  // already names the cluster
            throw ExitCode.failure
        } catch {
            Output.error("\(error)")
            throw ExitCode.failure
        }
        if json {
            try Output.json(plans)
        } else {
            let statuses = Dictionary(((try? factory.store.missingFileStatuses()) ?? []).map { ($0.cluster, $0) }, uniquingKeysWith: { a, _ in a })
            for plan in plans {
                if let status = statuses[plan.cluster], let note = Self.deletionNote(status) { Swift.print(note) }
                Self.print(plan)
            }
        }
        let changes = plans.contains { !$0.isConverged }
        if detailedExitcode && changes { throw ExitCode(2) }
    }

    /// "file missing since …; torn down after … unless it returns" for a cluster whose file is
    /// missing, or nil.
    static func deletionNote(_ status: ClusterStatus) -> String? {
        switch status.lifecycle {
        case "pending-deletion":
            let note = "\(status.cluster): \(status.sourcePath) missing since \(status.missingSince ?? "?") UTC; "
                + "torn down after \(status.teardownAt ?? "?") UTC unless it returns"
            return Output.paint(note, .yellow)
        case "held":
            let note = "\(status.cluster): \(status.sourcePath) missing since \(status.missingSince ?? "?") UTC in a mass removal; "
                + "held: nothing is torn down until it returns or `bosun delete \(status.cluster)`"
            return Output.paint(note, .yellow)
        default:
            return nil
        }
    }

    static func print(_ plan: Plan) {
        if plan.isConverged {
            Swift.print("\(plan.cluster): no changes; the infrastructure matches the spec.")
        } else if plan.isEmpty {
            Swift.print(Output.paint("\(plan.cluster): nothing can run now; \(plan.deferred.count) change(s) wait", .bold))
        } else {
            Swift.print(Output.paint("\(plan.cluster): \(counted(plan.actions.count, "action")) on \(counted(plan.instances.count, "instance"))", .bold))
            var byInstance: [String: [PlannedAction]] = [:]
            for action in plan.actions { byInstance[action.instance ?? plan.cluster, default: []].append(action) }
            for instance in plan.instances {
                let actions = byInstance[instance] ?? []
                let canary = actions.contains(where: \.canary) ? " [canary]" : ""
                Swift.print("  \(instance)\(canary): \(Output.paint(actions.first?.reason ?? "", .dim))")
                for action in actions {
                    let mark = String(action.kind.mark)
                    let color: Output.Color = mark == "+" ? .green : mark == "-" ? .red : .yellow
                    let after = action.dependsOn.isEmpty ? "" : Output.paint("  (after #\(action.dependsOn.map(String.init).joined(separator: ",#")))", .dim)
                    Swift.print("    \(Output.paint(mark, color)) #\(action.id) \(action.kind.summary)\(after)")
                }
            }
        }
        for finding in plan.findings { Swift.print("  ! \(finding.kind.rawValue): \(finding.message)") }
        for wait in plan.deferred { Swift.print(Output.paint("  … \(wait.instance): \(wait.reason)", .yellow)) }
    }
}
