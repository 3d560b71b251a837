import ArgumentParser
import BosunController
import BosunStore
import Foundation
import Logging

/// `bosun apply [CLUSTER…]`: ingest specs, reconcile until converged or failed.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Ingest specs, then reconcile until converged or failed; exit 0 converged, 1 failed.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var execution: ExecutionOptions

    @OptionGroup var lock: LockOptions

    @Option(help: "Progress: auto (a live line on a terminal, plain lines otherwise), plain (lines only) or none.")
    var progress: ProgressMode = .auto

    @OptionGroup var providers: ProviderOptions

    @OptionGroup var ingestOptions: IngestOptions

    @OptionGroup var keyFile: KeyFileOptions

    @Option(parsing: .unconditional, help: "Reconcile passes per cluster before giving up.")
    var maxPasses: Int = 20

    @OptionGroup var retention: RetentionOptions

    @Flag(help: "Print the summary as one JSON document.")
    var json = false

    @Argument(help: "Clusters to apply (default: every active or deleting cluster).")
    var clusters: [String] = []

    func run() async throws {
        let reporter = progress.reporter(json: json)
        global.bootstrapLogging(terminal: reporter?.terminal)
        try SpecsCheck.requireDirectory(global.specsDirectory)
        let factory = try ControllerFactory(
            global: global, execution: execution, providers: providers, role: "apply", progress: reporter?.progress.sink ?? ProgressSink(),
            keyFile: keyFile)
        defer { factory.close() }
        let targets = try await ingestAndSelect(
            factory: factory, clusters: clusters, specs: global.specsDirectory, options: ingestOptions, restoreNamed: true)
        try CredentialsStep.ensure(store: factory.store, clusters: targets, keyFile: keyFile)
        let outcomes = await ApplyDriver(factory: factory, maxPasses: maxPasses, lockTimeout: lock.timeout, progress: reporter?.progress).run(targets)
        // Prune here too, so a database only ever driven by `apply` (CI, cron) stays flat.
        RetentionService(store: factory.store, policy: retention.policy, logger: Logger(label: "bosun.retention")).pruneOnce()
        if json { try Output.json(outcomes) } else { ApplyDriver.printSummary(outcomes) }
        if outcomes.contains(where: { $0.result != "converged" && $0.result != "skipped" }) { throw ExitCode.failure }
    }
}

/// Ingests the spec directory once, reports rejected files on stderr, and resolves the
/// clusters to act on (all reconcilable ones when none are named). A named cluster that is
/// deleted is brought back when `restoreNamed` (`apply NAME` after `bosun delete`), or left out
/// with a note saying how to bring it back; one deleted because its file went away comes back
/// only with its file, which the note says.
func ingestAndSelect(
    factory: ControllerFactory, clusters: [String], specs: String, options: IngestOptions, restoreNamed: Bool = false
) async throws -> [String] {
    let ingester = Ingester(store: factory.store, directory: specs, grace: options.grace, settle: options.settleSeconds)
    do {
        try await ingester.settledPass(maxWait: options.maxSettleWait)
    } catch {
        Output.error("ingesting \(specs): \(error)")
        throw ExitCode.failure
    }
    let unsettled = await ingester.unsettled
    if !unsettled.isEmpty {
        for path in unsettled.keys.sorted() {
            Output.error("\(path) is still being written (it kept changing for \(options.maxSettleWait.components.seconds)s); nothing was done; try again when it is complete")
        }
        throw ExitCode.failure
    }
    try SpecsCheck.refuseRejected(store: factory.store, clusters: clusters)
    for status in try factory.store.missingFileStatuses() {
        if let note = PlanCommand.deletionNote(status) { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
    }
    if clusters.isEmpty { return try factory.store.reconcilableClusters() }
    let known = Set(try factory.store.clusterNames())
    for name in clusters where !known.contains(name) {
        Output.error("no cluster named '\(name)' (known: \(known.sorted().joined(separator: ", ")))")
        throw ExitCode.failure
    }
    var targets: [String] = []
    for name in clusters {
        guard let deleted = try factory.store.deletion(of: name) else {
            targets.append(name)
            continue
        }
        if deleted.by == "operator", FileManager.default.fileExists(atPath: deleted.path) {
            if restoreNamed {
                try factory.store.restoreDeleted(cluster: name)
                FileHandle.standardError.write(Data("note: \(name) was deleted by `bosun delete`; applying it by name brings it back from \(deleted.path)\n".utf8))
                targets.append(name)
            } else {
                FileHandle.standardError.write(Data(
                    "note: \(name) was deleted by `bosun delete` (\(deleted.at) UTC) and stays deleted while \(deleted.path) is unchanged; `bosun apply \(name)` brings it back\n".utf8))
            }
        } else {
            Output.error("\(name) was deleted after its spec file \(deleted.path) went away (\(deleted.at) UTC); put the file back to bring it back")
            throw ExitCode.failure
        }
    }
    return targets
}
