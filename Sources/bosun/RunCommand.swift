import ArgumentParser
import BosunController
import BosunStore
import Foundation
import Logging
import ServiceLifecycle

/// `bosun run`: the controller. Watches the spec directory and keeps the state database in step
/// until SIGINT or SIGTERM, then stops gracefully.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the controller: watch specs and keep the desired state; stops on SIGINT/SIGTERM.")

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Full re-list of the spec directory, as a safety net for missed events.", valueName: "duration"))
    var relist: DurationOption = DurationOption(.seconds(20))

    func run() async throws {
        global.bootstrapLogging()
        let logger = Logger(label: "bosun")
        let store = try global.openStore()
        let directory = global.specsDirectory
        let ingester = Ingester(store: store, directory: directory, logger: Logger(label: "bosun.ingest"))
        let ingest = IngestService(ingester: ingester, directory: directory, relistInterval: relist.duration)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: ingest)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        logger.info("bosun run started", metadata: ["db": "\(store.path)", "specs": "\(directory)"])
        try await group.run()
        do {
            try store.close()
        } catch {
            logger.warning("state database not closed cleanly; the next start recovers it", metadata: ["error": "\(error)"])
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
        return ms % 1000 == 0 ? "\(ms / 1000)s" : "\(ms)ms"
    }
}
