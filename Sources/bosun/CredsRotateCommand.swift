import ArgumentParser
import BosunController
import BosunCredentials
import BosunModel
import BosunStore
import Foundation
import Logging

/// `bosun creds rotate CLUSTER NAME --yes`: rotates one credential and rolls it out; a CA in
/// CredHub's three transitional phases, each starting once the previous one converged.
struct CredsRotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Rotate a credential and roll it out (a CA in three phases, with no moment of distrust).",
        discussion: """
            A password, key or leaf certificate gets a new version and the groups that reference it restart \
            under their update policy. A CA rotates in three phases, each rolled out before the next starts: \
            (1) the new CA joins every trust bundle; (2) it signs, and every certificate it signs is re-issued; \
            (3) the old CA leaves the bundles. Each instance that references the CA restarts once per phase. \
            Interrupted (Ctrl-C, a crash, a failed action), the rotation stays in flight: run the same command \
            again, `bosun apply` or `bosun run` to resume it. `bosun status CLUSTER` shows its phase.
            Exit 0: rotated; 1: not finished (the message says where it stands).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var execution: ExecutionOptions
    @OptionGroup var lock: LockOptions
    @OptionGroup var providers: ProviderOptions
    @OptionGroup var keyFile: KeyFileOptions

    @Option(help: "Progress: auto (a live line on a terminal, plain lines otherwise), plain (lines only) or none.")
    var progress: ProgressMode = .auto

    @Option(parsing: .unconditional, help: "Reconcile passes before giving up (a CA rotation takes about 3 per phase).")
    var maxPasses: Int = 60

    @Flag(help: "Rotate without asking (required when stdin is not a terminal).")
    var yes = false

    @Argument(help: "Cluster.")
    var cluster: String

    @Argument(help: "Credential (variable) name.")
    var name: String

    func run() async throws {
        let reporter = progress.reporter(json: false)
        global.bootstrapLogging(terminal: reporter?.terminal)
        let factory = try ControllerFactory(
            global: global, execution: execution, providers: providers, role: "rotate", createStore: false,
            progress: reporter?.progress.sink ?? ProgressSink(), keyFile: keyFile)
        defer { factory.close() }
        let store = factory.store
        let key = try keyFile.load(database: store.path)
        if try store.rotationInFlight(cluster: cluster)?.name != name {
            try confirm(store)
        }
        let started: (rotation: RotationRow, resumed: Bool)
        do {
            started = try store.startRotation(cluster: cluster, name: name, key: key)
        } catch {
            Output.error("\(error)")
            throw ExitCode.failure
        }
        let r = started.rotation
        FileHandle.standardError.write(Data((started.resumed
            ? "\(cluster): resuming the rotation of \(name) (\(r.status))\n"
            : "\(cluster): rotating \(name) v\(r.fromVersion) → v\(r.toVersion)\(r.kind == "ca" ? " in 3 phases" : "")\n").utf8))
        let outcomes = await ApplyDriver(factory: factory, maxPasses: maxPasses, lockTimeout: lock.timeout, progress: reporter?.progress).run([cluster])
        for event in try store.events(cluster: cluster, limit: 50)
        where event.kind.hasPrefix("rotation-") && event.at >= r.startedAt {
            FileHandle.standardError.write(Data("\(cluster): \(event.message)\n".utf8))
        }
        guard let outcome = outcomes.first else { throw ExitCode.failure }
        if let flying = try store.rotationInFlight(cluster: cluster) {
            let why = outcome.result == "converged" ? "" : ": \(outcome.result)\(outcome.detail.map { " (\($0))" } ?? "")"
            Output.error("\(cluster): the rotation of \(name) is not finished, at \(flying.status)\(why); run this command again, `bosun apply \(cluster)` or `bosun run` to resume it")
            throw ExitCode.failure
        }
        let restarts = try store.restartsPerInstance(cluster: cluster, since: r.startedAt)
        let counts = Dictionary(grouping: restarts.values, by: { $0 }).mapValues(\.count)
        let summary = counts.keys.sorted().map { "\(counted(counts[$0]!, "instance")) restarted \(counted($0, "time"))" }.joined(separator: ", ")
        print("\(cluster): rotated \(name) v\(r.fromVersion) → v\(r.toVersion)\(summary.isEmpty ? "" : "; \(summary)")")
    }

    /// Asks on a terminal; without one, `--yes` is required.
    private func confirm(_ store: Store) throws {
        guard !yes else { return }
        guard isatty(STDIN_FILENO) == 1 else {
            Output.error("rotating \(name) of \(cluster) restarts every instance that uses it; re-run with --yes to go ahead")
            throw ExitCode.failure
        }
        FileHandle.standardError.write(Data("Rotate \(name) of \(cluster)? Every instance that uses it restarts (a CA: once per phase, 3 phases). [y/N] ".utf8))
        guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
            Output.error("not rotated")
            throw ExitCode.failure
        }
    }
}
