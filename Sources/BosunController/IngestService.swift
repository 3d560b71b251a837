import BosunSpec
import BosunStore
import Logging
import ServiceLifecycle

/// The long-running half of ingestion inside `bosun run`: a pass at start, a pass after every
/// settled burst of spec-directory events, and a full re-list every `relistInterval` (inotify
/// can miss events; kubelet's static-pod reader re-lists the same way).
public struct IngestService: Service {
    public let ingester: Ingester
    public let directory: String
    public let relistInterval: Duration
    public let onReport: @Sendable (IngestReport) async -> Void
    private let logger: Logger

    public init(
        ingester: Ingester, directory: String, relistInterval: Duration = .seconds(20),
        logger: Logger = Logger(label: "bosun.ingest"),
        onReport: @escaping @Sendable (IngestReport) async -> Void = { _ in }
    ) {
        self.ingester = ingester
        self.directory = directory
        self.relistInterval = relistInterval
        self.logger = logger
        self.onReport = onReport
    }

    public func run() async throws {
        let changes = try DirectoryWatcher(directory: directory).changes()
        await passLogged()
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in changes { await passLogged() }
                }
                group.addTask {
                    while !Task.isCancelled {
                        do { try await Task.sleep(for: relistInterval) } catch { return }
                        await passLogged()
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }

    private func passLogged() async {
        do {
            let report = try await ingester.pass()
            if !report.isEmpty { await onReport(report) }
        } catch {
            // Already logged by the ingester; the next trigger retries.
        }
    }
}
