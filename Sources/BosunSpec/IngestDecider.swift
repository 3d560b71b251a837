import BosunModel
import Foundation

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
    /// When a listing first found the file missing (`pendingDeletion`, `held`).
    public var missingSince: Date?
    /// When teardown may start (`pendingDeletion`).
    public var teardownAt: Date?

    public init(
        name: String, sourcePath: String, hash: String, generation: Int, lifecycle: Lifecycle, deletion: DeletionPolicy,
        operatorDeleted: Bool = false, missingSince: Date? = nil, teardownAt: Date? = nil
    ) {
        self.name = name
        self.sourcePath = sourcePath
        self.hash = hash
        self.generation = generation
        self.lifecycle = lifecycle
        self.deletion = deletion
        self.operatorDeleted = operatorDeleted
        self.missingSince = missingSince
        self.teardownAt = teardownAt
    }

    /// A cluster's life: declared by a file; its file missing (a deletion clock runs, or it is
    /// held after a mass removal); left without one; being torn down; or gone.
    public enum Lifecycle: String, Sendable, Hashable, Codable, CaseIterable {
        case active
        case pendingDeletion = "pending-deletion"
        case held
        case orphaned, deleting, deleted

        /// The last accepted spec is still in effect and is reconciled toward (healing goes on
        /// while a missing file's deletion clock runs: healing never destroys).
        public var isInEffect: Bool { self == .active || self == .pendingDeletion || self == .held }

        /// The controller reconciles the cluster (toward its spec, or tearing it down).
        public var isReconciled: Bool { isInEffect || self == .deleting }
    }
}

/// One thing ingestion will record.
public enum IngestDecision: Sendable, Hashable {
    /// A new or changed spec takes effect (or a cluster's file came back).
    case accept(spec: AcceptedSpec, path: String, generation: Int, why: AcceptReason)
    /// The file is accepted but says nothing new, and it had recorded errors: they are cleared.
    /// (An unchanged file without errors needs no decision at all.)
    case unchanged(path: String)
    /// The file is rejected; what is in effect stays.
    case reject(path: String, cluster: String?, issues: [SpecIssue])
    /// A `deletion: delete` cluster's file is missing: its deletion clock starts. Nothing is
    /// torn down before `teardownAt`, and only if a later listing still finds the file missing.
    case startGrace(cluster: String, path: String, since: Date, teardownAt: Date)
    /// The file vanished in a mass removal: no clock runs until it returns or an operator acts.
    case hold(cluster: String, path: String, since: Date, lost: Int, known: Int)
    /// The file of a pending-deletion or held cluster is present again (rejected or still being
    /// written, so its last accepted spec stays): the deletion is cancelled, nothing changes.
    case restore(cluster: String, path: String)
    /// The cluster lost its file: `deletion: protect` → orphaned; `delete` after the grace →
    /// deleting.
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

/// Decides what a directory scan means for the clusters in the store. Pure: no I/O, no clock
/// of its own (`now` is passed in).
///
/// Rules (`spec-format.md`): files are taken in path order; a cluster name declared by two files
/// stays with the file that declared it first, and the other file is rejected naming both; a
/// rejected file never changes what is in effect; an unlistable directory releases nothing.
///
/// A missing file never tears a cluster down at once (`semantics.md`, deletion grace): the
/// listing that first misses it starts a clock of `grace`; a later listing after the clock ran
/// out (so at least two listings saw it missing) releases it to teardown; the file coming back
/// cancels the clock. When one listing loses at least half of the known files (and at least
/// two), no clock starts: those clusters are held until their files return.
public struct IngestDecider: Sendable {
    public let grace: TimeInterval

    public init(grace: TimeInterval = 600) {
        self.grace = grace
    }

    public func decide(
        scan: SpecScan, recheck: Set<String>, clusters: [String: ClusterIndexEntry], errorPaths: Set<String>, now: Date = Date()
    ) -> (decisions: [IngestDecision], duplicates: Set<String>) {
        var index = clusters
        var decisions: [IngestDecision] = []
        var duplicates: Set<String> = []
        let byPath = Dictionary(
            index.values.filter { $0.lifecycle.isInEffect }.map { ($0.sourcePath, $0.name) },
            uniquingKeysWith: { a, _ in a })

        for path in scan.changed.union(recheck).sorted() {
            guard let outcome = scan.files[path] else { continue }
            switch outcome {
            case .rejected(let rejection):
                decisions.append(.reject(path: path, cluster: byPath[path], issues: rejection.issues))
            case .accepted(let spec):
                let name = spec.name
                let canonical = spec.canonical
                guard let existing = index[name] else {
                    decisions.append(.accept(spec: spec, path: path, generation: 1, why: .new))
                    index[name] = entry(spec, path, generation: 1)
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
                if existing.operatorDeleted, existing.hash == canonical.hash, !existing.lifecycle.isInEffect {
                    noteUnchanged(path, errorPaths: errorPaths, into: &decisions)
                    continue
                } else if existing.sourcePath != path {
                    why = .moved(from: existing.sourcePath)
                } else if existing.lifecycle != .active {
                    why = .restored
                } else if existing.hash != canonical.hash {
                    why = .changed
                } else {
                    noteUnchanged(path, errorPaths: errorPaths, into: &decisions)
                    continue
                }
                let generation = existing.hash == canonical.hash && existing.lifecycle != .deleted
                    ? existing.generation : existing.generation + 1
                decisions.append(.accept(spec: spec, path: path, generation: generation, why: why))
                index[name] = entry(spec, path, generation: generation)
            }
        }

        guard scan.directoryError == nil else { return (decisions, duplicates) }
        let live = index.values.filter { $0.lifecycle.isInEffect }.sorted { $0.name < $1.name }
        let known = Set(live.map(\.sourcePath)).count
        let lost = live.filter { $0.lifecycle == .active && !present($0, scan: scan) }
        let mass = lost.count >= 2 && lost.count * 2 >= known
        for entry in live {
            let here = present(entry, scan: scan)
            switch entry.lifecycle {
            case .active where !here:
                if entry.deletion == .protect {
                    decisions.append(.release(cluster: entry.name, path: entry.sourcePath, to: .orphaned))
                } else if mass {
                    decisions.append(.hold(cluster: entry.name, path: entry.sourcePath, since: now, lost: lost.count, known: known))
                } else {
                    decisions.append(.startGrace(
                        cluster: entry.name, path: entry.sourcePath, since: now, teardownAt: now.addingTimeInterval(grace)))
                }
            case .pendingDeletion, .held:
                if here {
                    decisions.append(.restore(cluster: entry.name, path: entry.sourcePath))
                } else if entry.lifecycle == .pendingDeletion, let due = entry.teardownAt, now >= due {
                    decisions.append(.release(cluster: entry.name, path: entry.sourcePath, to: .deleting))
                }
            default:
                break
            }
        }
        for path in errorPaths.sorted() where scan.files[path] == nil && scan.unsettled[path] == nil {
            decisions.append(.forget(path: path))
        }
        return (decisions, duplicates)
    }

    /// Appends `.unchanged` only for a file with recorded errors, the one case where it
    /// records anything: a fresh process finds thousands of unchanged files, and asking the
    /// store about each one's errors was a tenth of a no-op `plan`.
    private func noteUnchanged(_ path: String, errorPaths: Set<String>, into decisions: inout [IngestDecision]) {
        if errorPaths.contains(path) { decisions.append(.unchanged(path: path)) }
    }

    /// Whether `entry`'s source file is present and either still declares it or is rejected
    /// (a rejected file keeps its last accepted version in effect).
    private func stillDeclares(_ entry: ClusterIndexEntry, scan: SpecScan) -> Bool {
        guard entry.lifecycle == .active else { return false }
        return present(entry, scan: scan)
    }

    /// Whether the file that declared `entry` is there in a form that may still declare it:
    /// accepted with the same name, rejected (its last accepted version stays), or still being
    /// written (in doubt, it counts as present).
    private func present(_ entry: ClusterIndexEntry, scan: SpecScan) -> Bool {
        if let outcome = scan.files[entry.sourcePath] {
            switch outcome {
            case .rejected: return true
            case .accepted(let spec): return spec.name == entry.name
            }
        }
        return scan.unsettled[entry.sourcePath] != nil
    }

    private func entry(_ spec: AcceptedSpec, _ path: String, generation: Int) -> ClusterIndexEntry {
        ClusterIndexEntry(
            name: spec.name, sourcePath: path, hash: spec.canonical.hash, generation: generation,
            lifecycle: .active, deletion: spec.deletion)
    }
}
