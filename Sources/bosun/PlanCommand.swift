import ArgumentParser
import BosunModel
import BosunController
import BosunPlanner
import BosunSpec
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
        let store = factory.store
        // Specs are decoded only for plans with something to show: a no-op plan of 10,000
        // clusters must not decode 20,000 of them (it costs seconds).
        let shown = plans.map { plan in
            plan.isConverged
                ? PlanPresentation(plan, applied: nil, desired: nil)
                : PlanPresentation(plan, applied: try? store.appliedSpec(plan.cluster), desired: try? store.desiredSpec(plan.cluster))
        }
        // What the restarting groups will be configured with: each referenced credential as
        // `((name)) vN`, never a value.
        var credentials: [String: [String: String]] = [:]
        for (plan, presentation) in zip(plans, shown) where !plan.isConverged {
            guard let spec = try? store.desiredSpec(plan.cluster), spec.variables?.isEmpty == false,
                let tokens = try? store.credentialTokens(cluster: plan.cluster)
            else { continue }
            let groups = Set(presentation.instances.compactMap { $0.instance.split(separator: "/").dropFirst().first.map(String.init) })
            for (name, users) in VariableReferences.referencingGroups(spec) where !groups.isDisjoint(with: users) {
                credentials[plan.cluster, default: [:]][name] = tokens[name] ?? "not generated yet"
            }
        }
        if json {
            try Output.json(zip(plans, shown).map { PlanDocument(plan: $0, shown: $1, credentials: credentials[$0.cluster]) })
        } else {
            let statuses = Dictionary(((try? factory.store.missingFileStatuses()) ?? []).map { ($0.cluster, $0) }, uniquingKeysWith: { a, _ in a })
            for presentation in shown {
                if let status = statuses[presentation.cluster], let note = Self.deletionNote(status) { Swift.print(note) }
                Self.print(presentation)
                if let used = credentials[presentation.cluster], !used.isEmpty {
                    Swift.print(Output.paint("  # credentials delivered: " + used.keys.sorted().map { Self.reference($0, used[$0]!) }.joined(separator: ", "), .dim))
                    if let rotation = try? store.rotationInFlight(cluster: presentation.cluster) {
                        Swift.print(Output.paint("  # rotation of \(rotation.name): \(rotation.status)", .dim))
                    }
                }
            }
            let acting = shown.filter { !$0.instances.isEmpty }
            if acting.count > 1 {
                let total = acting.map(\.summary).reduce(PlanPresentation.Summary(), +)
                Swift.print(Output.paint("Total over \(counted(acting.count, "cluster")): \(total.text).", .bold))
            }
        }
        let changes = plans.contains { !$0.isConverged }
        if detailedExitcode && changes { throw ExitCode(2) }
    }

    /// `((tls-etcd)) v2 (etcd_ca v2+v1)` from a credential token (`v2;etcd_ca=v2+v1`).
    static func reference(_ name: String, _ token: String) -> String {
        let parts = token.split(separator: ";", maxSplits: 1)
        guard let version = parts.first else { return "((\(name)))" }
        guard parts.count == 2 else { return "((\(name))) \(version)" }
        let bundle = parts[1].split(separator: "=", maxSplits: 1)
        let trust = bundle.count == 2 ? (bundle[0] == Substring(name) ? "bundle \(bundle[1])" : "\(bundle[0]) \(bundle[1])") : String(parts[1])
        return "((\(name))) \(version) (\(trust))"
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

    /// The presentation's lines, coloured on a terminal: the symbols of instances and spec
    /// changes (green `+`, yellow `~`, red `-` and `-/+`), steps and reasons dimmed.
    static func print(_ presentation: PlanPresentation) {
        for (n, line) in presentation.lines.enumerated() {
            Swift.print(paint(line, first: n == 0))
        }
    }

    private static func paint(_ line: String, first: Bool) -> String {
        if first { return line.hasSuffix("matches the spec.") ? line : Output.paint(line, .bold) }
        let trimmed = line.drop { $0 == " " }
        let indent = String(line.prefix(line.count - trimmed.count))
        for (mark, color) in [("-/+ ", Output.Color.red), ("+ ", .green), ("~ ", .yellow), ("- ", .red), ("! ", .red), ("… ", .yellow)]
        where trimmed.hasPrefix(mark) {
            return indent + Output.paint(String(mark.dropLast()), color) + " " + trimmed.dropFirst(mark.count)
        }
        if trimmed.hasPrefix("#") || trimmed.hasPrefix("spec changes:") { return Output.paint(line, .dim) }
        if trimmed.hasPrefix("Plan: ") { return Output.paint(line, .bold) }
        return line
    }
}

/// `bosun plan --json`: the plan as before (`actions`, `findings`, `deferred`) with its
/// presentation (`changes`, `instances`, `summary`).
struct PlanDocument: Encodable {
    let plan: Plan
    let shown: PlanPresentation
    /// Credentials the restarting groups reference → their token (versions, no value).
    var credentials: [String: String]?

    enum Keys: String, CodingKey { case cluster, actions, findings, deferred, changes, instances, summary, credentials }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(plan.cluster, forKey: .cluster)
        try c.encode(plan.actions, forKey: .actions)
        try c.encode(plan.findings, forKey: .findings)
        try c.encode(plan.deferred, forKey: .deferred)
        try c.encode(shown.changes, forKey: .changes)
        try c.encode(shown.instances, forKey: .instances)
        try c.encode(shown.summary, forKey: .summary)
        try c.encode(credentials ?? [:], forKey: .credentials)
    }
}
