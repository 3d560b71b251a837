import BosunSpec
import BosunStore
import Foundation
import Logging

/// Runs ingestion passes: scan the spec directory, decide, record. One pass at a time (actor);
/// passes are level-triggered, so any trigger (watch event, re-list, start-up) runs the same code.
public actor Ingester {
    private let store: Store
    private var scanner: SpecScanner
    private var duplicates: Set<String> = []
    private var directoryProblem: String?
    private let decider: IngestDecider
    private let now: @Sendable () -> Date
    private let logger: Logger
    /// Passes completed (recorded or failed); tests and benchmarks wait on it.
    public private(set) var passCount = 0
    /// Files that changed but had not settled at the last pass, with when that content was
    /// first seen; their new content is not used yet.
    public private(set) var unsettled: [String: Date] = [:]
    /// Why the spec directory could not be listed at the last pass, if it could not.
    public private(set) var directoryError: String?
    /// When the next pass is due for a reason other than a file event: a file may settle, or a
    /// deletion grace runs out.
    public private(set) var nextDeadline: Date?
    /// Spec files whose YAML this ingester decoded, over all its passes; files found unchanged
    /// or recorded by an earlier run (decode once) are not counted.
    public private(set) var decodedFiles = 0
    private let settle: TimeInterval
    private let validator: String

    /// - Parameters:
    ///   - grace: how long a `deletion: delete` cluster's file must stay missing before teardown.
    ///   - settle: how long a changed file must stay unchanged to be read when no watcher saw it
    ///     closed.
    ///   - tracker: what the directory watcher saw of writes and closes, if one runs.
    ///   - validator: the validator version decoded specs are recorded and trusted under (tests
    ///     pass another to play an older or newer Bosun).
    public init(
        store: Store, directory: String, grace: TimeInterval = 600, settle: TimeInterval = 2, tracker: WriteTracker? = nil,
        validator: String = SpecDecoder.validatorVersion,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "bosun.ingest")
    ) {
        self.store = store
        self.scanner = SpecScanner(
            directory: directory, settle: settle, tracker: tracker, lookup: StoredSpecSources(store: store, validator: validator),
            now: now)
        self.decider = IngestDecider(grace: grace)
        self.settle = settle
        self.validator = validator
        self.now = now
        self.logger = logger
    }

    /// One pass. Throws `StoreError` if the result could not be recorded; the next pass then
    /// re-reads every file, so nothing is lost.
    @discardableResult
    public func pass() throws -> IngestReport {
        defer { passCount += 1 }
        let scan = scanner.scan()
        decodedFiles += scan.decoded.count
        unsettled = scan.unsettled
        directoryError = scan.directoryError
        if scan.directoryError != directoryProblem {
            directoryProblem = scan.directoryError
            if let problem = directoryProblem {
                logger.warning("spec directory unavailable; keeping every cluster as it is", metadata: ["error": "\(problem)"])
                try? store.recordEvent(cluster: nil, kind: "specs-unavailable", message: "\(problem); every cluster stays as it is")
            } else {
                logger.info("spec directory available again")
            }
        }
        for (path, since) in scan.unsettled.sorted(by: { $0.key < $1.key }) {
            logger.info("waiting for a spec file to settle", metadata: ["file": "\(path)", "since": "\(since)"])
        }
        do {
            let clusters = try store.clusterIndex()
            let (decisions, dups) = decider.decide(
                scan: scan, recheck: duplicates, clusters: clusters, errorPaths: try store.specErrorPaths(), now: now())
            let report = try store.record(decisions)
            duplicates = dups
            let recorded = try store.clusterIndex()
            recordSources(scan: scan, decisions: decisions, clusters: recorded, firstPass: passCount == 0)
            nextDeadline = deadline(scan: scan, clusters: recorded)
            if passCount == 0 {
                logger.info("initial ingestion pass", metadata: [
                    "files": "\(scan.files.count)", "decoded": "\(scan.decoded.count)", "accepted": "\(report.accepted.count)",
                    "rejected": "\(report.rejected.count)", "released": "\(report.released.count)",
                ])
            }
            log(report)
            return report
        } catch {
            scanner.invalidate()
            logger.error("ingestion pass failed; will re-read every file next pass", metadata: ["error": "\(error)"])
            throw error
        }
    }

    /// Passes until no file is waiting to settle, or `maxWait` has gone by (`bosun plan` and
    /// `apply`, which have no watcher and must not act on a file that is still being written).
    /// Returns the reports of every pass, merged.
    @discardableResult
    public func settledPass(maxWait: Duration, poll: Duration = .milliseconds(100)) async throws -> IngestReport {
        var merged = try pass()
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: maxWait)
        while !unsettled.isEmpty, clock.now < end {
            try await Task.sleep(for: poll)
            merged.merge(try pass())
        }
        return merged
    }

    /// Whether `nextDeadline` has come (by the ingester's clock).
    public func isDue() -> Bool {
        guard let due = nextDeadline else { return false }
        return now() >= due
    }

    /// Keeps the decode-once table in step with what was just recorded: the content of every
    /// file accepted or found unchanged (unless its row already says so), and no row for a path
    /// that no longer declares a cluster. On the first pass of a process, rows of files that are
    /// gone are dropped too, except those a deletion grace or a hold waits for (they may come
    /// back unchanged). Failure only costs decodes later, so it is logged, not thrown.
    private func recordSources(
        scan: SpecScan, decisions: [IngestDecision], clusters: [String: ClusterIndexEntry], firstPass: Bool
    ) {
        var removed: Set<String> = []
        var rejected: Set<String> = []
        for decision in decisions {
            switch decision {
            case .accept(_, _, _, .moved(let from)): removed.insert(from)
            case .release(_, let path, _): removed.insert(path)
            case .reject(let path, _, _): rejected.insert(path)
            default: break
            }
        }
        // Every file read now whose accepted outcome the decider did not reject (a duplicate):
        // it was accepted or found unchanged.
        let sources = scan.digests.keys.sorted().compactMap { path -> Store.SpecSource? in
            guard !rejected.contains(path), let digest = scan.digests[path],
                case .accepted(let spec)? = scan.files[path] else { return nil }
            return Store.SpecSource(path: path, digest: digest, cluster: spec.name, specHash: spec.canonical.hash)
        }
        do {
            if firstPass, scan.directoryError == nil {
                let awaited = clusters.values.filter { $0.lifecycle == .pendingDeletion || $0.lifecycle == .held }.map(\.sourcePath)
                let present = Set(scan.files.keys).union(scan.unsettled.keys).union(awaited)
                removed.formUnion(try store.specSourcePaths().subtracting(present))
            }
            try store.recordSpecSources(sources, removing: removed, validator: validator)
        } catch {
            logger.warning("could not record decoded specs; they are decoded again next time", metadata: ["error": "\(error)"])
        }
    }

    private func deadline(scan: SpecScan, clusters: [String: ClusterIndexEntry]) -> Date? {
        let settling = scan.unsettled.values.map { $0.addingTimeInterval(settle) }
        let teardowns = clusters.values.compactMap { $0.lifecycle == .pendingDeletion ? $0.teardownAt : nil }
        return (settling + teardowns).min()
    }

    private func log(_ report: IngestReport) {
        for (name, generation) in report.accepted {
            logger.info("spec accepted", metadata: ["cluster": "\(name)", "generation": "\(generation)"])
        }
        for path in report.rejected {
            logger.warning("spec rejected", metadata: ["file": "\(path)"])
        }
        for (name, lifecycle) in report.released {
            logger.notice("cluster released", metadata: ["cluster": "\(name)", "lifecycle": "\(lifecycle)"])
        }
        for name in report.pendingDeletion {
            logger.warning("spec file missing; deletion grace started", metadata: ["cluster": "\(name)"])
        }
        for name in report.held {
            logger.warning("spec file vanished in a mass removal; cluster held", metadata: ["cluster": "\(name)"])
        }
        for name in report.restored {
            logger.notice("spec file back; deletion cancelled", metadata: ["cluster": "\(name)"])
        }
    }
}
