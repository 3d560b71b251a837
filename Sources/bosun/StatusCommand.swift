import ArgumentParser
import BosunController
import BosunModel
import BosunStore
import Foundation

/// `bosun status [CLUSTER]`: clusters, or one cluster's instances, from the state database;
/// with `--refresh`, corrected by an observation made now (`StatusRefresh`).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show clusters (or one cluster's instances): desired vs running/healthy, phase, last pass, last error.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print one JSON document.")
    var json = false

    @Flag(help: "Also list deleted clusters (hidden by default: nothing of them is left to run).")
    var all = false

    @Flag(help: "Observe the clusters now (read-only, no lease, nothing recorded) and show what is true now, not what the last pass saw.")
    var refresh = false

    @OptionGroup var execution: ExecutionOptions
    @OptionGroup var providers: ProviderOptions

    @Argument(help: "Show only this cluster, with its instances.")
    var cluster: String?

    struct Overview: Encodable {
        var clusters: [ClusterStatus]
        var specErrors: [SpecErrorRow]
        /// With `--refresh`: when the clusters were observed, and what that found.
        var refreshedAt: String?
        var findings: [ClusterFinding]?
    }

    struct ClusterFinding: Encodable {
        var cluster: String
        var finding: DriftCommand.Item
    }

    struct Detail: Encodable {
        var cluster: ClusterStatus
        var instances: [InstanceStatus]
        var specErrors: [SpecErrorRow]
        var refreshedAt: String?
        var findings: [DriftCommand.Item]?
        /// The credential rotation in flight, if any (`rotations` view).
        var rotation: RotationRow?
    }

    func run() async throws {
        let store = try global.openStore(create: false)
        do {
            let sweep = try store.lastSweep()
            func observed(_ rows: [ClusterStatus]) -> [ClusterStatus] { rows.map { Self.observed($0, sweep: sweep) } }
            let errors = try store.specErrors()
            if let cluster {
                guard let status = observed(try store.clusterStatuses(name: cluster)).first else {
                    Output.error("no cluster named '\(cluster)' (see `bosun status` for the list)")
                    throw ExitCode.failure
                }
                let own = errors.filter { $0.cluster == cluster || $0.path == status.sourcePath }
                var detail = Detail(cluster: status, instances: try store.instanceStatuses(cluster: cluster), specErrors: own)
                detail.rotation = try store.rotationInFlight(cluster: cluster)
                if refresh, let now = try await observe([status]).first {
                    detail.cluster = now.cluster
                    detail.instances = now.instances
                    detail.findings = now.findings
                    detail.refreshedAt = Self.timestamp()
                }
                if json { try Output.json(detail) } else { printDetail(detail) }
            } else {
                let every = observed(try store.clusterStatuses())
                let shown = all ? every : every.filter { $0.lifecycle != "deleted" }
                var overview = Overview(clusters: shown, specErrors: errors)
                if refresh {
                    let now = try await observe(shown)
                    overview.clusters = now.map(\.cluster)
                    overview.findings = now.flatMap { r in r.findings.map { ClusterFinding(cluster: r.cluster.cluster, finding: $0) } }
                    overview.refreshedAt = Self.timestamp()
                }
                if json { try Output.json(overview) } else { printOverview(overview, hidden: every.count - shown.count) }
            }
        } catch let error as StoreError {
            Output.error("\(error)")
            throw ExitCode.failure
        }
    }

    /// Observes `statuses` now through their providers; a cluster that cannot be observed is an
    /// error naming it (exit 1), never a guess.
    private func observe(_ statuses: [ClusterStatus]) async throws -> [StatusRefresh.Refreshed] {
        let factory = try ControllerFactory(global: global, execution: execution, providers: providers, role: "status", createStore: false)
        defer { factory.close() }
        do {
            return try await StatusRefresh.observe(statuses, store: factory.store, reconciler: factory.reconciler)
        } catch let error as StoreError {
            throw error
        } catch {
            Output.error("\(error)")
            throw ExitCode.failure
        }
    }

    /// The later of the cluster's last pass and `bosun run`'s last drift sweep, which observed
    /// every cluster it reconciles (not one whose observation failed or that is not reconciled).
    static func observed(_ row: ClusterStatus, sweep: String?) -> ClusterStatus {
        var row = row
        let swept = ["active", "pending-deletion", "held", "deleting"].contains(row.lifecycle) && !["unknown", "failed"].contains(row.phase)
        row.lastObservedAt = [row.lastPassAt, swept ? sweep : nil].compactMap { $0 }.max()
        return row
    }

    /// Now, as SQLite writes times (UTC), for rows compared with the database's.
    static func sqliteNow() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        return f.string(from: Date())
    }

    /// Now, RFC 3339 in UTC.
    static func timestamp() -> String { ISO8601DateFormatter().string(from: Date()) }

    private func printOverview(_ overview: Overview, hidden: Int) {
        if overview.clusters.isEmpty {
            print(hidden > 0
                ? "no clusters but deleted ones (`bosun status --all` lists them)"
                : "no clusters (spec files go in \(global.specsDirectory); `bosun run` ingests them)")
        } else {
            Output.table(
                ["CLUSTER", "PROVIDER", "LIFECYCLE", "PHASE", "GEN", "DESIRED", "RUNNING", "HEALTHY", "LAST OBSERVED", "LAST ERROR"],
                overview.clusters.map {
                    [$0.cluster, $0.provider, $0.lifecycle, $0.phase, "\($0.generation)", "\($0.desired)", "\($0.running)",
                     "\($0.healthy)", $0.lastObservedAt ?? "-", $0.lastError ?? "-"]
                },
                paint: { column, cell in (column == 2 || column == 3) ? Output.color(of: cell) : nil })
            for cluster in overview.clusters {
                if let note = PlanCommand.deletionNote(cluster) { print(note) }
            }
            if hidden > 0 { print("(\(counted(hidden, "deleted cluster")) not shown; `bosun status --all` lists them)") }
            if let at = overview.refreshedAt {
                print("observed now (\(at)): \(counted(overview.findings?.count ?? 0, "finding")); `bosun drift` lists them, `bosun run` or `apply` heals")
            }
        }
        printErrors(overview.specErrors)
    }

    private func printDetail(_ detail: Detail) {
        let c = detail.cluster
        let rows: [(String, String)] = [
            ("cluster", c.cluster), ("provider", c.provider), ("lifecycle", Output.state(c.lifecycle)),
            ("phase", Output.state(c.phase)), ("generation", "\(c.generation) (converged: \(c.observedGeneration))"),
            ("instances", "\(c.desired) desired, \(c.running) running, \(c.healthy) healthy"),
            ("source", c.sourcePath), ("accepted", c.acceptedAt), ("last pass", c.lastPassAt ?? "-"),
            ("observed", c.lastObservedAt ?? "-"),
            ("last error", c.lastError ?? "-"),
        ] + (c.missingSince.map { [("missing", "since \($0) UTC")] } ?? [])
            + (c.teardownAt.map { [("teardown", "after \($0) UTC unless the file returns")] } ?? [])
            + (detail.rotation.map { r in [("rotation", "\(r.name): \(r.status) (since \(r.phaseStartedAt) UTC)")] } ?? [])
        let observed: [(String, String)] = detail.refreshedAt.map { at in
            [("refreshed", "now (\(at)): " + ((detail.findings ?? []).isEmpty ? "as recorded" : (detail.findings ?? []).map { "\($0.kind) \($0.instance ?? $0.resource)" }.joined(separator: ", ")))]
        } ?? []
        for (key, value) in rows + observed { print("\(key.padding(toLength: 11, withPad: " ", startingAt: 0)) \(value)") }
        if !detail.instances.isEmpty {
            print("")
            Output.table(
                ["INSTANCE", "GROUP", "INDEX", "AZ", "VM", "DISK", "STATE", "HEALTH", "IN LB"],
                detail.instances.map {
                    [$0.instance, $0.group, "\($0.index)", $0.az, $0.vmId ?? "-", $0.diskId ?? "-", $0.state, $0.health,
                     $0.inLb ? "yes" : "no"]
                },
                paint: { column, cell in (column == 6 || column == 7) ? Output.color(of: cell) : nil })
        }
        printErrors(detail.specErrors)
    }

    private func printErrors(_ errors: [SpecErrorRow]) {
        guard !errors.isEmpty else { return }
        print("")
        let noun = errors.count == 1 ? "spec file is" : "spec files are"
        print(Output.paint("\(errors.count) \(noun) rejected (the last accepted version stays in effect):", .red))
        for e in errors {
            let more = e.errorCount > 1 ? " (+\(e.errorCount - 1) more)" : ""
            print("  \(e.formatted)\(more)")
        }
    }
}
