import ArgumentParser
import BosunController
import BosunSpec
import BosunStore
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `bosun run`: the controller. Watches the spec directory, reconciles every cluster on spec
/// changes and on a schedule, until SIGINT or SIGTERM; then it stops starting actions, lets
/// in-flight ones finish and parks the rest.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the controller: watch specs, reconcile on changes and on a schedule; stops on SIGINT/SIGTERM.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var execution: ExecutionOptions

    @Option(help: ArgumentHelp("Scheduled pass per cluster (±10 % jitter).", valueName: "duration"))
    var interval: DurationOption = DurationOption(.seconds(30))

    @Option(help: ArgumentHelp("Observe every cluster this often (±10 % jitter) and reconcile at once on drift.", valueName: "duration"))
    var driftInterval: DurationOption = DurationOption(.seconds(10))

    @Option(help: ArgumentHelp("Full re-list of the spec directory, as a safety net for missed events.", valueName: "duration"))
    var relist: DurationOption = DurationOption(.seconds(20))

    @OptionGroup var retention: RetentionOptions

    @OptionGroup var providers: ProviderOptions

    @OptionGroup var ingestOptions: IngestOptions

    @OptionGroup var keyFile: KeyFileOptions

    func run() async throws {
        global.bootstrapLogging()
        let logger = Logger(label: "bosun")
        let factory = try ControllerFactory(global: global, execution: execution, providers: providers, role: "run", keyFile: keyFile)
        defer { factory.close() }
        let directory = global.specsDirectory
        let controller = ControllerService(
            reconciler: factory.reconciler, interval: interval.duration, driftInterval: driftInterval.duration,
            logger: Logger(label: "bosun.controller"), afterSweep: { MemoryTuning.releaseFreeMemory() })
        let tracker = WriteTracker()
        let ingester = Ingester(
            store: factory.store, directory: directory, grace: ingestOptions.grace, settle: ingestOptions.settleSeconds,
            tracker: tracker, logger: Logger(label: "bosun.ingest"))
        let store = factory.store
        let keyPath = keyFile.path(database: store.path)
        let credentialsLogger = Logger(label: "bosun.credentials")
        let ingest = IngestService(ingester: ingester, directory: directory, relistInterval: relist.duration, tracker: tracker) { report in
            CredentialsStep.inController(store: store, clusters: report.accepted.map(\.name), keyPath: keyPath, logger: credentialsLogger)
            await controller.enqueue(report.touched)
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: ingest), .init(service: controller),
                    .init(service: RetentionService(store: factory.store, policy: retention.policy, logger: Logger(label: "bosun.retention"))),
                    .init(service: ReadyService(logger: logger, metadata: [
                        "db": "\(factory.store.path)", "specs": "\(directory)", "workers": "\(execution.workers)",
                    ])),
                ],
                gracefulShutdownSignals: [],
                logger: logger))
        // Signals are trapped from here on, not only once the services run: a SIGTERM during
        // the initial ingestion (seconds with thousands of specs) is a graceful stop too, not
        // death by the default disposition. A stop asked for before the group runs is kept by
        // the group, which then starts and stops its services at once.
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        let watcher = Task {
            for await signal in signals {
                logger.info("stopping", metadata: ["signal": "\(signal)"])
                await group.triggerGracefulShutdown()
            }
        }
        defer { watcher.cancel() }
        // Ingest first, so the controller starts from the current specs.
        do { try await ingester.pass() } catch { logger.error("initial ingestion failed", metadata: ["error": "\(error)"]) }
        if let clusters = try? store.reconcilableClusters() {
            CredentialsStep.inController(store: store, clusters: clusters, keyPath: keyPath, logger: credentialsLogger)
        }
        try await group.run()
        logger.info("bosun run stopped")
    }
}

/// A duration written as `250ms`, `30s`, `5m` or `1h`.
struct DurationOption: ExpressibleByArgument, Sendable {
    var duration: Duration

    init(_ duration: Duration) { self.duration = duration }

    init?(argument: String) {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        guard let (suffix, scale) = units.first(where: { argument.hasSuffix($0.0) }),
            let value = Double(argument.dropLast(suffix.count)), value > 0, value.isFinite, value <= 86_400 * 7
        else { return nil }
        duration = .milliseconds(Int64(value * scale * 1000))
    }

    var defaultValueDescription: String {
        let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        // The largest unit that is whole, as the README writes it: 10m, not 600s.
        if ms % 3_600_000 == 0 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0 { return "\(ms / 60_000)m" }
        return ms % 1000 == 0 ? "\(ms / 1000)s" : "\(ms)ms"
    }
}
