import BosunModel

/// What the store knows about one cluster, as far as ingestion needs it.
public struct ClusterIndexEntry: Sendable, Hashable {
    public var name: String
    public var sourcePath: String
    public var hash: String
    public var generation: Int
    public var lifecycle: Lifecycle
    public var deletion: DeletionPolicy
    /// An operator ran `bosun delete`: re-reading the unchanged file must not undo it.
    public var operatorDeleted: Bool

    public init(
        name: String, sourcePath: String, hash: String, generation: Int, lifecycle: Lifecycle, deletion: DeletionPolicy,
        operatorDeleted: Bool = false
    ) {
        self.name = name
        self.sourcePath = sourcePath
        self.hash = hash
        self.generation = generation
        self.lifecycle = lifecycle
        self.deletion = deletion
        self.operatorDeleted = operatorDeleted
    }

    /// A cluster's life: declared by a file, left without one, being torn down, or gone.
    public enum Lifecycle: String, Sendable, Hashable, Codable, CaseIterable {
        case active, orphaned, deleting, deleted
    }
}

/// One thing ingestion will record.
public enum IngestDecision: Sendable, Hashable {
    /// A new or changed spec takes effect (or a cluster's file came back).
    case accept(spec: ClusterSpec, canonical: CanonicalSpec, path: String, generation: Int, why: AcceptReason)
    /// The file is accepted but says nothing new; any old errors for it are cleared.
    case unchanged(path: String)
    /// The file is rejected; what is in effect stays.
    case reject(path: String, cluster: String?, issues: [SpecIssue])
    /// The cluster lost its file: `deletion: protect` → orphaned, `delete` → deleting.
    case release(cluster: String, path: String, to: ClusterIndexEntry.Lifecycle)
    /// A file with recorded errors no longer exists.
    case forget(path: String)
}

public enum AcceptReason: Sendable, Hashable, CustomStringConvertible {
    case new
    case changed
    case restored
    case moved(from: String)

    public var description: String {
        switch self {
        case .new: "new cluster"
        case .changed: "spec changed"
        case .restored: "spec file restored"
        case .moved(let from): "declared by a new file (was \(from))"
        }
    }
}

/// Decides what a directory scan means for the clusters in the store. Pure: no I/O, no clock.
///
/// Rules (`spec-format.md`): files are taken in path order; a cluster name declared by two files
/// stays with the file that declared it first, and the other file is rejected naming both; a
/// rejected file never changes what is in effect; a cluster whose file is gone (or now declares
/// another name) is released; an unlistable directory releases nothing.
public struct IngestDecider: Sendable {
    public init() {}

    public func decide(
        scan: SpecScan, recheck: Set<String>, clusters: [String: ClusterIndexEntry], errorPaths: Set<String>
    ) -> (decisions: [IngestDecision], duplicates: Set<String>) {
        var index = clusters
        var decisions: [IngestDecision] = []
        var duplicates: Set<String> = []
        let byPath = Dictionary(
            index.values.filter { $0.lifecycle == .active }.map { ($0.sourcePath, $0.name) },
            uniquingKeysWith: { a, _ in a })

        for path in scan.changed.union(recheck).sorted() {
            guard let outcome = scan.files[path] else { continue }
            switch outcome {
            case .rejected(let rejection):
                decisions.append(.reject(path: path, cluster: byPath[path], issues: rejection.issues))
            case .accepted(let spec, let canonical):
                let name = spec.name
                guard let existing = index[name] else {
                    decisions.append(.accept(spec: spec, canonical: canonical, path: path, generation: 1, why: .new))
                    index[name] = entry(spec, canonical, path, generation: 1)
                    continue
                }
                if existing.sourcePath != path, stillDeclares(existing, scan: scan) {
                    duplicates.insert(path)
                    let issue = SpecIssue(
                        file: path, line: 1, column: 1, path: "name",
                        message: "cluster '\(name)' is already declared by \(existing.sourcePath); this file is ignored while that file declares it")
                    decisions.append(.reject(path: path, cluster: name, issues: [issue]))
                    continue
                }
                let why: AcceptReason
                if existing.operatorDeleted, existing.hash == canonical.hash, existing.lifecycle != .active {
                    decisions.append(.unchanged(path: path))
                    continue
                } else if existing.sourcePath != path {
                    why = .moved(from: existing.sourcePath)
                } else if existing.lifecycle != .active {
                    why = .restored
                } else if existing.hash != canonical.hash {
                    why = .changed
                } else {
                    decisions.append(.unchanged(path: path))
                    continue
                }
                let generation = existing.hash == canonical.hash && existing.lifecycle != .deleted
                    ? existing.generation : existing.generation + 1
                decisions.append(.accept(spec: spec, canonical: canonical, path: path, generation: generation, why: why))
                index[name] = entry(spec, canonical, path, generation: generation)
            }
        }

        if scan.directoryError == nil {
            for entry in index.values.sorted(by: { $0.name < $1.name }) where entry.lifecycle == .active {
                if !stillDeclares(entry, scan: scan) {
                    let to: ClusterIndexEntry.Lifecycle = entry.deletion == .delete ? .deleting : .orphaned
                    decisions.append(.release(cluster: entry.name, path: entry.sourcePath, to: to))
                }
            }
            for path in errorPaths.sorted() where scan.files[path] == nil {
                decisions.append(.forget(path: path))
            }
        }
        return (decisions, duplicates)
    }

    /// Whether `entry`'s source file is present and either still declares it or is rejected
    /// (a rejected file keeps its last accepted version in effect).
    private func stillDeclares(_ entry: ClusterIndexEntry, scan: SpecScan) -> Bool {
        guard entry.lifecycle == .active, let outcome = scan.files[entry.sourcePath] else { return false }
        switch outcome {
        case .rejected: return true
        case .accepted(let spec, _): return spec.name == entry.name
        }
    }

    private func entry(_ spec: ClusterSpec, _ canonical: CanonicalSpec, _ path: String, generation: Int) -> ClusterIndexEntry {
        ClusterIndexEntry(
            name: spec.name, sourcePath: path, hash: canonical.hash, generation: generation,
            lifecycle: .active, deletion: spec.deletion)
    }
}
