import ArgumentParser
import BosunController
import BosunSpec
import BosunStore
import Foundation
import Logging
import NIOCore
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

    @Option(help: ArgumentHelp(
        "Serve /metrics (Prometheus), /healthz and /readyz on HOST:PORT, e.g. 127.0.0.1:9464 (off by default; port 0 picks one).",
        valueName: "host:port"))
    var metricsAddress: String?

    func validate() throws {
        if let metricsAddress, MetricsServer.parse(metricsAddress) == nil {
            throw ValidationError("--metrics-address must be HOST:PORT (e.g. 127.0.0.1:9464), got '\(metricsAddress)'")
        }
    }

    func run() async throws {
        global.bootstrapLogging()
        let logger = Logger(label: "bosun")
        let metrics = metricsAddress.map { _ in ControllerMetrics() }
        let factory = try ControllerFactory(
            global: global, execution: execution, providers: providers, role: "run", keyFile: keyFile, metrics: metrics)
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
        // The metrics server starts before the initial ingestion, which can take seconds with
        // thousands of specs: /readyz says so meanwhile instead of refusing connections.
        var endpoints: (group: ServiceGroup, task: Task<Void, any Error>)?
        var readiness: Readiness?
        if let metrics, let metricsAddress, let (host, port) = MetricsServer.parse(metricsAddress) {
            let ready = Readiness(store: store, leases: factory.reconciler.leases, leaseTTL: execution.policy.leaseTTL.seconds)
            let server = MetricsServer(metrics: metrics, store: store, queue: controller.queue, readiness: ready)
            let (started, starting) = AsyncStream<Result<String, any Error>>.makeStream()
            let app = server.application(host: host, port: port, logger: Logger(label: "bosun.metrics")) { bound in
                starting.yield(.success(bound))
            }
            let group = ServiceGroup(configuration: .init(services: [.init(service: app)], gracefulShutdownSignals: [], logger: logger))
            endpoints = (group, Task {
                do { try await group.run() } catch {
                    starting.yield(.failure(error))
                    throw error
                }
            })
            readiness = ready
            // Listening, or a clear error (the port is taken): never a controller that looks
            // healthy to everything but its monitoring.
            for await result in started {
                switch result {
                case .success(let bound): logger.info("metrics server listening", metadata: ["address": "\(bound)"])
                case .failure(let error):
                    let why = (error as? IOError).map { String(cString: strerror($0.errnoCode)).lowercased() } ?? "\(error)"
                    Output.error("cannot serve metrics on \(metricsAddress): \(why)")
                    throw ExitCode.failure
                }
                break
            }
        }
        // Ingest first, so the controller starts from the current specs.
        do { try await ingester.pass() } catch { logger.error("initial ingestion failed", metadata: ["error": "\(error)"]) }
        readiness?.markIngested()
        if let clusters = try? store.reconcilableClusters() {
            CredentialsStep.inController(store: store, clusters: clusters, keyPath: keyPath, logger: credentialsLogger)
        }
        defer {
            if let endpoints { Task { await endpoints.group.triggerGracefulShutdown() } }
        }
        try await group.run()
        if let endpoints {
            await endpoints.group.triggerGracefulShutdown()
            do { try await endpoints.task.value } catch { logger.error("metrics server stopped", metadata: ["error": "\(error)"]) }
        }
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
