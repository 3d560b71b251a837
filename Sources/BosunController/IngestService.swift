import Foundation
import BosunSpec
import BosunStore
import Logging
import ServiceLifecycle

/// The long-running half of ingestion inside `bosun run`: a pass at start, a pass after every
/// settled burst of spec-directory events, and a full re-list every `relistInterval` (inotify
/// can miss events; kubelet's static-pod reader re-lists the same way). A pass also runs when a
/// file waiting to settle may have settled and when a deletion grace runs out, so neither waits
/// for the next re-list.
public struct IngestService: Service {
    public let ingester: Ingester
    public let directory: String
    public let relistInterval: Duration
    /// Shared with the ingester's scanner: the watcher reports writes and closes into it.
    public let tracker: WriteTracker?
    public let onReport: @Sendable (IngestReport) async -> Void
    private let logger: Logger

    public init(
        ingester: Ingester, directory: String, relistInterval: Duration = .seconds(20), tracker: WriteTracker? = nil,
        logger: Logger = Logger(label: "bosun.ingest"),
        onReport: @escaping @Sendable (IngestReport) async -> Void = { _ in }
    ) {
        self.ingester = ingester
        self.directory = directory
        self.relistInterval = relistInterval
        self.tracker = tracker
        self.logger = logger
        self.onReport = onReport
    }

    public func run() async throws {
        let changes = try DirectoryWatcher(directory: directory, tracker: tracker).changes()
        // Files that composed cluster files refer to (a base, ops files, vars files) live in
        // subdirectories: a change there re-ingests the clusters made from them. A subdirectory
        // created later is seen at the next re-list.
        var more: [AsyncStream<Void>] = []
        for sub in Self.subdirectories(of: directory) {
            do { more.append(try DirectoryWatcher(directory: sub).changes()) } catch {
                logger.warning("cannot watch a spec subdirectory; its changes are seen at the next re-list", metadata: ["directory": "\(sub)", "error": "\(error)"])
            }
        }
        let subdirectoryChanges = more
        await passLogged()
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in changes { await passLogged() }
                }
                for stream in subdirectoryChanges {
                    group.addTask {
                        for await _ in stream { await passLogged() }
                    }
                }
                group.addTask { await timers() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// Re-lists every `relistInterval`, and passes as soon as the ingester's next deadline (a
    /// file that may have settled, a grace that ran out) is due. A deadline can appear during
    /// any pass, so the loop looks again at least every `deadlineCheck`; a look costs one actor
    /// hop, a pass runs only when something is due.
    private func timers() async {
        let clock = ContinuousClock()
        var nextRelist = clock.now.advanced(by: relistInterval)
        while !Task.isCancelled {
            var wait = min(nextRelist - clock.now, Self.deadlineCheck)
            if let due = await ingester.nextDeadline {
                wait = min(wait, .milliseconds(Int64(max(0, due.timeIntervalSinceNow) * 1000) + 20))
            }
            if wait > .zero {
                do { try await Task.sleep(for: wait) } catch { return }
            }
            if clock.now >= nextRelist {
                await passLogged()
                nextRelist = clock.now.advanced(by: relistInterval)
            } else if await ingester.isDue() {
                await passLogged()
            }
        }
    }

    static let deadlineCheck: Duration = .milliseconds(500)

    /// Subdirectories of `directory`, depth first, at most 64 (hidden ones skipped; links to
    /// directories are not followed).
    static func subdirectories(of directory: String) -> [String] {
        var out: [String] = []
        var queue = [directory]
        while let next = queue.popLast(), out.count < 64 {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: next)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") {
                let path = next + "/" + name
                guard let type = try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType,
                    type == .typeDirectory, out.count < 64
                else { continue }
                out.append(path)
                queue.append(path)
            }
        }
        return out
    }

    private func passLogged() async {
        do {
            let start = ContinuousClock.now
            let report = try await ingester.pass()
            logger.debug("ingestion pass finished", metadata: ["seconds": "\(((ContinuousClock.now - start).seconds * 1000).rounded() / 1000)"])
            if !report.isEmpty { await onReport(report) }
        } catch {
            // Already logged by the ingester; the next trigger retries.
        }
    }
}
