import BosunModel
import BosunSpec
import BosunStore
import Foundation

enum StoreFixtures {
    static func tempDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func spec(_ name: String, image: String = "img-1", workers: Int = 2, deletion: DeletionPolicy = .protect) -> ClusterSpec {
        ClusterSpec(
            name: name, provider: .sim, region: nil, image: image, kubernetes: .init(version: "1.31.2"),
            update: .defaults, healing: .defaults, deletion: deletion,
            groups: [
                GroupSpec(name: "worker", instances: workers, azs: ["z1"], vmType: "small", disk: nil, loadBalancer: nil,
                          jobs: ["kubelet"], properties: .emptyObject, update: .defaults)
            ])
    }

    static func accepted(_ spec: ClusterSpec) throws -> SpecOutcome {
        .accepted(AcceptedSpec(spec, canonical: try CanonicalSpec(spec)))
    }

    static func rejected(_ path: String, _ message: String, line: Int = 1) -> SpecOutcome {
        .rejected(SpecRejection(issues: [SpecIssue(file: path, line: line, column: 1, path: "name", message: message)]))
    }

    /// Decides and records one scan, the way the ingester does.
    @discardableResult
    static func ingest(
        _ store: Store, _ files: [String: SpecOutcome], changed: Set<String>? = nil, recheck: Set<String> = [],
        unsettled: [String: Date] = [:], now: Date = Date(), grace: TimeInterval = 600
    ) throws -> (IngestReport, Set<String>) {
        let scan = SpecScan(files: files, changed: changed ?? Set(files.keys), directoryError: nil, unsettled: unsettled)
        let (decisions, duplicates) = IngestDecider(grace: grace).decide(
            scan: scan, recheck: recheck, clusters: try store.clusterIndex(), errorPaths: try store.specErrorPaths(), now: now)
        return (try store.record(decisions), duplicates)
    }
}
