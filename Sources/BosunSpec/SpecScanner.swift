import BosunModel
import Foundation

/// What a spec file currently says: accepted (with its canonical form) or rejected.
public enum SpecOutcome: Sendable, Hashable {
    case accepted(ClusterSpec, CanonicalSpec)
    case rejected(SpecRejection)

    public var clusterName: String? {
        if case .accepted(let spec, _) = self { return spec.name }
        return nil
    }
}

/// One listing of the spec directory: the outcome of every spec file present, and which of
/// them were (re-)read in this scan because they are new or changed.
public struct SpecScan: Sendable {
    /// Absolute path → outcome, for every spec file present.
    public var files: [String: SpecOutcome]
    /// Paths read in this scan (new or changed since the previous one).
    public var changed: Set<String>
    /// Whether the directory itself could be listed; when it cannot (removed, unreadable) the
    /// scan says so and callers must not treat its files as deleted.
    public var directoryError: String?

    public init(files: [String: SpecOutcome], changed: Set<String>, directoryError: String?) {
        self.files = files
        self.changed = changed
        self.directoryError = directoryError
    }
}

/// Lists a spec directory and re-reads only the files whose `stat` changed since the last
/// scan, so the 20-second safety re-list costs a `stat` per file, not a parse.
public struct SpecScanner: Sendable {
    public let directory: String
    private var cache: [String: (SpecFileReader.Fingerprint, SpecOutcome)] = [:]
    private let reader = SpecFileReader()
    private let decoder = SpecDecoder()

    public init(directory: String) {
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
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
        var files: [String: SpecOutcome] = [:]
        var changed: Set<String> = []
        var nextCache: [String: (SpecFileReader.Fingerprint, SpecOutcome)] = [:]
        for name in names.sorted() where SpecRules.isSpecFileName(name) {
            let path = directory + "/" + name
            let outcome: SpecOutcome
            switch reader.fingerprint(path) {
            case .failure(let rejection):
                outcome = .rejected(rejection)
                changed.insert(path)
            case .success(let print):
                if let (old, cached) = cache[path], old == print {
                    outcome = cached
                } else {
                    outcome = load(path)
                    changed.insert(path)
                }
                nextCache[path] = (print, outcome)
            }
            files[path] = outcome
        }
        cache = nextCache
        return SpecScan(files: files, changed: changed, directoryError: nil)
    }

    private func load(_ path: String) -> SpecOutcome {
        switch reader.load(path, decoder: decoder) {
        case .failure(let rejection): return .rejected(rejection)
        case .success(let spec):
            do {
                return .accepted(spec, try CanonicalSpec(spec))
            } catch {
                return .rejected(SpecFileReader.issue(path, "cannot encode spec: \(error)"))
            }
        }
    }
}
