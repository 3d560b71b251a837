import BosunSpec
import BosunStore
import Logging

/// Runs ingestion passes: scan the spec directory, decide, record. One pass at a time (actor);
/// passes are level-triggered, so any trigger (watch event, re-list, start-up) runs the same code.
public actor Ingester {
    private let store: Store
    private var scanner: SpecScanner
    private var duplicates: Set<String> = []
    private var directoryProblem: String?
    private let decider = IngestDecider()
    private let logger: Logger
    /// Passes completed (recorded or failed); tests and benchmarks wait on it.
    public private(set) var passCount = 0

    public init(store: Store, directory: String, logger: Logger = Logger(label: "bosun.ingest")) {
        self.store = store
        self.scanner = SpecScanner(directory: directory)
        self.logger = logger
    }

    /// One pass. Throws `StoreError` if the result could not be recorded; the next pass then
    /// re-reads every file, so nothing is lost.
    @discardableResult
    public func pass() throws -> IngestReport {
        defer { passCount += 1 }
        let scan = scanner.scan()
        if scan.directoryError != directoryProblem {
            directoryProblem = scan.directoryError
            if let problem = directoryProblem {
                logger.warning("spec directory unavailable; keeping every cluster as it is", metadata: ["error": "\(problem)"])
                try? store.recordEvent(cluster: nil, kind: "specs-unavailable", message: "\(problem); every cluster stays as it is")
            } else {
                logger.info("spec directory available again")
            }
        }
        do {
            let (decisions, dups) = decider.decide(
                scan: scan, recheck: duplicates, clusters: try store.clusterIndex(), errorPaths: try store.specErrorPaths())
            let report = try store.record(decisions)
            duplicates = dups
            if passCount == 0 {
                logger.info("initial ingestion pass", metadata: [
                    "files": "\(scan.files.count)", "accepted": "\(report.accepted.count)",
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
    }
}
