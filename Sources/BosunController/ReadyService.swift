import Logging
import ServiceLifecycle

/// Logs that `bosun run` is up once its service group runs (signal handlers are in place by
/// then), and waits for shutdown. Scripts and tests wait for this line before signalling.
public struct ReadyService: Service {
    private let logger: Logger
    private let metadata: Logger.Metadata

    public init(logger: Logger, metadata: Logger.Metadata) {
        self.logger = logger
        self.metadata = metadata
    }

    public func run() async throws {
        logger.info("bosun run ready", metadata: metadata)
        try await gracefulShutdown()
    }
}
