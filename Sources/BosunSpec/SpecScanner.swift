import BosunModel
import Crypto
import Foundation

/// What a spec file currently says: accepted (with its canonical form) or rejected.
public enum SpecOutcome: Sendable, Hashable {
    case accepted(AcceptedSpec)
    case rejected(SpecRejection)

    public var clusterName: String? {
        if case .accepted(let spec) = self { return spec.name }
        return nil
    }
}

/// One listing of the spec directory: the outcome of every settled spec file present, and which
/// of them were (re-)read in this scan because they are new or changed.
public struct SpecScan: Sendable {
    /// Absolute path → outcome, for every spec file present. A file still being written keeps
    /// the outcome of its last settled content here (and is absent if it never had one).
    public var files: [String: SpecOutcome]
    /// Paths read in this scan (new or changed since the previous one, and settled).
    public var changed: Set<String>
    /// Whether the directory itself could be listed; when it cannot (removed, unreadable) the
    /// scan says so and callers must not treat its files as deleted.
    public var directoryError: String?
    /// Files that changed but have not settled yet, with when this content was first seen:
    /// present, but their new content is not used (`spec-format.md`, settled files).
    public var unsettled: [String: Date]
    /// SHA-256 of the content of files read in this scan whose accepted outcome is not yet
    /// recorded for their path (decoded now, or found recorded under another path): what the
    /// ingester records so a later process need not decode them again.
    public var digests: [String: Data]
    /// Files whose YAML was decoded in this scan (the rest were unchanged or found recorded).
    public var decoded: Set<String>

    public init(
        files: [String: SpecOutcome], changed: Set<String>, directoryError: String?, unsettled: [String: Date] = [:],
        digests: [String: Data] = [:], decoded: Set<String> = []
    ) {
        self.files = files
        self.changed = changed
        self.directoryError = directoryError
        self.unsettled = unsettled
        self.digests = digests
        self.decoded = decoded
    }
}

/// Lists a spec directory and re-reads only the files whose `stat` changed since the last
/// scan, so the 20-second safety re-list costs a `stat` per file, not a parse.
///
/// A changed file is used only once it has *settled*, so a half-written file is never taken
/// for a spec: it was closed or renamed into place (the `WriteTracker` fed by inotify says so,
/// and nothing touched it while it was read), or it was last modified at least `settle` ago, or
/// scans have seen the same size, mtime and content for `settle`.
///
/// A settled file whose content digest a `SpecSourceLookup` knows is not decoded again: its
/// recorded accepted outcome is used (a fresh `bosun plan` reads every file once, and YAML
/// decoding is most of its cost). Rejected files are always decoded, so their errors are exact.
public struct SpecScanner: Sendable {
    public let directory: String
    public let settle: TimeInterval
    private let tracker: WriteTracker?
    private let now: @Sendable () -> Date
    private let lookup: (any SpecSourceLookup)?
    private var cache: [String: Cached] = [:]
    private var pending: [String: Candidate] = [:]
    private var reader: SpecFileReader { SpecFileReader(directory: directory) }
    private let decoder = SpecDecoder()

    /// What the last scan made of a file: its `stat`, its outcome, and for a composed cluster
    /// file the `stat` of every file it refers to (nil: missing), which must all be unchanged
    /// for the outcome to stand.
    private struct Cached {
        var print: SpecFileReader.Fingerprint
        var outcome: SpecOutcome
        var references: [String: SpecFileReader.Fingerprint?] = [:]
    }

    /// A changed file waiting to settle: what it looked like and since when.
    private struct Candidate {
        var fingerprint: SpecFileReader.Fingerprint
        var digest: Data
        var since: Date
    }

    /// - Parameter lookup: decoded outcomes recorded by earlier runs, by content digest.
    public init(
        directory: String, settle: TimeInterval = 2, tracker: WriteTracker? = nil, lookup: (any SpecSourceLookup)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
        self.settle = settle
        self.tracker = tracker
        self.lookup = lookup
        self.now = now
    }

    /// Forgets what was read, so the next scan reads every file again.
    public mutating func invalidate() { cache.removeAll() }

    public mutating func scan() -> SpecScan {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            return SpecScan(files: [:], changed: [], directoryError: "cannot list \(directory): \(error.localizedDescription)")
        }
        let at = now()
        var files: [String: SpecOutcome] = [:]
        var changed: Set<String> = []
        var unsettled: [String: Date] = [:]
        var digests: [String: Data] = [:]
        var decoded: Set<String> = []
        var nextCache: [String: Cached] = [:]
        var nextPending: [String: Candidate] = [:]
        // Settled content to turn into outcomes once every file is read, so the lookup is asked
        // about all of them at once (one database read, not one per file). A composed file's
        // data is its composed document and its digest covers every file it was made from.
        var ready: [(path: String, print: SpecFileReader.Fingerprint, data: Data, digest: Data, references: [String: SpecFileReader.Fingerprint?])] = []
        for name in names.sorted() where SpecRules.isSpecFileName(name) {
            let path = directory + "/" + name
            switch reader.fingerprint(path) {
            case .failure(let rejection):
                files[path] = .rejected(rejection)
                changed.insert(path)
            case .success(let print):
                if let cached = cache[path], cached.print == print, referencesUnchanged(cached.references) {
                    files[path] = cached.outcome
                    nextCache[path] = cached
                    continue
                }
                func wait(_ candidate: Candidate) {
                    nextPending[path] = candidate
                    unsettled[path] = candidate.since
                    if let kept = cache[path] {
                        files[path] = kept.outcome
                        nextCache[path] = kept
                    }
                }
                switch settled(name: name, path: path, print: print, at: at) {
                case .unreadable(let rejection):
                    files[path] = .rejected(rejection)
                    changed.insert(path)
                    nextCache[path] = Cached(print: print, outcome: .rejected(rejection))
                case .ready(let data, let digest):
                    guard SpecComposer.isComposition(data) else {
                        ready.append((path, print, data, digest, [:]))
                        continue
                    }
                    let (result, referenced) = SpecComposer(directory: directory).composeTracking(path: path, data: data)
                    var references: [String: SpecFileReader.Fingerprint?] = [:]
                    for file in referenced { references[file] = try? reader.fingerprint(file).get() }
                    switch result {
                    case .failure(let rejection):
                        files[path] = .rejected(rejection)
                        changed.insert(path)
                        nextCache[path] = Cached(print: print, outcome: .rejected(rejection), references: references)
                    case .success(let composition):
                        // The files it is made from settle like spec files: untouched for the
                        // settle time, or the same composition for that long.
                        let quiet = references.values.allSatisfy { fingerprint in
                            guard let fingerprint else { return true }
                            return at.timeIntervalSince(Date(timeIntervalSince1970: Double(fingerprint.modifiedNanos) / 1e9)) >= settle
                        }
                        var candidate = Candidate(fingerprint: print, digest: composition.digest, since: at)
                        if let seen = pending[path], seen.fingerprint == print, seen.digest == composition.digest { candidate.since = seen.since }
                        if quiet || at.timeIntervalSince(candidate.since) >= settle {
                            ready.append((path, print, Data(composition.text.utf8), composition.digest, references))
                        } else {
                            wait(candidate)
                        }
                    }
                case .waiting(let candidate):
                    wait(candidate)
                }
            }
        }
        let recorded = ready.isEmpty ? [:] : lookup?.recorded(Dictionary(uniqueKeysWithValues: ready.map { ($0.path, $0.digest) })) ?? [:]
        for file in ready {
            let outcome: SpecOutcome
            if let known = recorded[file.path] {
                outcome = .accepted(known.accepted)
                if !known.samePath { digests[file.path] = file.digest }
            } else {
                outcome = file.references.isEmpty
                    ? self.outcome(file.data, path: file.path)
                    : self.outcome(file.data, path: SpecComposer.composedName(file.path))
                decoded.insert(file.path)
                if case .accepted = outcome { digests[file.path] = file.digest }
            }
            files[file.path] = outcome
            changed.insert(file.path)
            nextCache[file.path] = Cached(print: file.print, outcome: outcome, references: file.references)
        }
        cache = nextCache
        pending = nextPending
        return SpecScan(
            files: files, changed: changed, directoryError: nil, unsettled: unsettled, digests: digests, decoded: decoded)
    }

    /// Whether every file a composition refers to still has the `stat` it had (or is still
    /// missing).
    private func referencesUnchanged(_ references: [String: SpecFileReader.Fingerprint?]) -> Bool {
        references.allSatisfy { path, old in (try? reader.fingerprint(path).get()) == old }
    }

    private enum Settling {
        /// The file cannot be read as a spec (nothing to decode).
        case unreadable(SpecRejection)
        /// Settled content and its SHA-256.
        case ready(Data, Data)
        case waiting(Candidate)
    }

    /// Reads a changed file and says whether its content may be used now.
    private func settled(name: String, path: String, print: SpecFileReader.Fingerprint, at: Date) -> Settling {
        let before = tracker?.state(name)
        let data: Data
        switch reader.read(path) {
        case .failure(let rejection): return .unreadable(rejection)
        case .success(let bytes): data = bytes
        }
        // The content read must be the content stat described: a write in between means the
        // file is moving under us.
        guard case .success(let after) = reader.fingerprint(path), after == print else {
            return .waiting(Candidate(fingerprint: print, digest: Data(), since: at))
        }
        let closedAndUntouched: Bool
        if case .closed(let seq, let closedPrint)? = before, closedPrint == print,
            case .closed(let seqAfter, _)? = tracker?.state(name), seq == seqAfter
        {
            closedAndUntouched = true
        } else {
            closedAndUntouched = false
        }
        let writing: Bool
        if case .writing? = tracker?.state(name) { writing = true } else { writing = false }
        let modified = Date(timeIntervalSince1970: Double(print.modifiedNanos) / 1e9)
        let quietSinceModified = !writing && at.timeIntervalSince(modified) >= settle
        let digest = Data(SHA256.hash(data: data))
        var candidate = Candidate(fingerprint: print, digest: digest, since: at)
        if let seen = pending[path], seen.fingerprint == print, seen.digest == digest { candidate.since = seen.since }
        let stableLongEnough = at.timeIntervalSince(candidate.since) >= settle
        guard closedAndUntouched || quietSinceModified || stableLongEnough else { return .waiting(candidate) }
        return .ready(data, digest)
    }

    private func outcome(_ data: Data, path: String) -> SpecOutcome {
        SpecFileReader.outcome(data, path: path, decoder: decoder)
    }
}
