import BosunCompose
import Crypto
import Foundation
import Yams

/// A cluster file that composes its spec from shared files, BOSH style:
///
/// ```yaml
/// base: base/cfcr.yml          # the document ops apply to
/// ops: [ops/small.yml]         # go-patch ops files, in order
/// varsFiles: [vars/prod.yml]   # variables, later files win
/// vars: { name: prod-1 }       # variables, winning over varsFiles
/// ```
///
/// Paths are relative to the file and must stay inside the specs directory (the symlink rule).
/// The composed document is what is validated and stored. A variable declared under the
/// composed spec's `variables:` is a generated credential and stays a reference; any other
/// reference left unresolved is an error listing every missing name, and a name both given and
/// declared is an error (one namespace).
public struct SpecComposer: Sendable {
    /// The specs directory referenced files must stay inside; nil: the cluster file's own.
    public let directory: String?

    public static let keys = ["base", "ops", "vars", "varsFiles"]

    /// A composed spec: its YAML text, the files it was made from, and a digest of them all.
    public struct Composition: Sendable {
        public var text: String
        /// Absolute paths of `base`, the ops files and the vars files, as given (not resolved).
        public var references: [String]
        /// SHA-256 of the cluster file and every referenced file, with their paths.
        public var digest: Data
    }

    public init(directory: String?) { self.directory = directory }

    /// How issues in a composed document name it: the cluster file, as composed (`bosun render`
    /// prints that document, with the same line numbers).
    public static func composedName(_ path: String) -> String { path + " (composed)" }

    /// Whether `data` is a composition file: some line starts with `base:` (a spec has no such
    /// key, so this is only a cheap pre-check before parsing).
    public static func isComposition(_ data: Data) -> Bool {
        var atLineStart = true
        let pattern = Array("base:".utf8)
        var i = data.startIndex
        while i < data.endIndex {
            if atLineStart, data.endIndex - i >= pattern.count, data[i..<(i + pattern.count)].elementsEqual(pattern) { return true }
            atLineStart = data[i] == 10
            i += 1
        }
        return false
    }

    /// Composes the cluster file at `path` (already read as `data`). Fails with located issues:
    /// the cluster file's own fields, a referenced file that cannot be read, an op that fails
    /// (at its line in its ops file), a variable that is missing or clashes.
    public func compose(path: String, data: Data) -> Result<Composition, SpecRejection> {
        compose(path: path, data: data, referenced: nil)
    }

    /// `compose(path:data:)`, also returning every file it tried to read (read or not), so a
    /// caller can look again when one of them changes, appears or is fixed.
    public func composeTracking(path: String, data: Data) -> (result: Result<Composition, SpecRejection>, referenced: [String]) {
        let seen = ReferenceLog()
        let result = compose(path: path, data: data, referenced: seen)
        return (result, seen.paths)
    }

    private func compose(path: String, data: Data, referenced log: ReferenceLog?) -> Result<Composition, SpecRejection> {
        guard let text = String(data: data, encoding: .utf8) else { return .failure(Self.issue(path, "(file)", "not valid UTF-8")) }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { return .failure(Self.issue(path, "(file)", "empty file")) }
            root = node
        } catch let error as YamlError {
            let (line, column, message) = SpecDecoder.describe(error)
            return .failure(SpecRejection(issues: [SpecIssue(file: path, line: line, column: column, path: "(yaml)", message: message)]))
        } catch {
            return .failure(Self.issue(path, "(yaml)", "\(error)"))
        }
        let r = NodeReader(file: path, nodeBudget: 10_000)
        guard let f = r.mapping(root, "", allowed: Self.keys) else { return .failure(SpecRejection(issues: r.issues)) }
        guard let baseNode = f["base"] else {
            r.fail(root, "base", "required in a composed cluster file")
            return .failure(SpecRejection(issues: r.issues))
        }
        let base = r.string(baseNode, "base")
        let ops = f["ops"].flatMap { r.sequence($0, "ops", min: 0, max: 100) }?.enumerated().map { (i, node) in
            (node: node, path: r.string(node, "ops[\(i)]"))
        } ?? []
        let varsFiles = f["varsFiles"].flatMap { r.sequence($0, "varsFiles", min: 0, max: 100) }?.enumerated().map { (i, node) in
            (node: node, path: r.string(node, "varsFiles[\(i)]"))
        } ?? []
        var vars: [(key: String, node: Node, value: YAMLValue)] = []
        if let varsNode = f["vars"] {
            if case .mapping(let map) = varsNode {
                for (keyNode, valueNode) in map {
                    guard case .scalar(let key) = keyNode else {
                        r.fail(keyNode, "vars", "variable names must be plain strings")
                        continue
                    }
                    do { vars.append((key.string, keyNode, try YAMLParser.value(from: valueNode))) } catch {
                        r.fail(valueNode, "vars.\(key.string)", "\(error)")
                    }
                }
            } else {
                r.fail(varsNode, "vars", "expected a mapping of variable names to values")
            }
        }
        guard r.issues.isEmpty, let base else { return .failure(SpecRejection(issues: r.issues)) }

        var hasher = SHA256()
        hasher.update(data: Data(path.utf8) + [0] + data)
        var references: [String] = []
        func load(_ relative: String, _ node: Node, _ field: String) -> Result<(path: String, text: String), SpecRejection> {
            let resolved = resolve(relative, from: path)
            log?.paths.append(resolved)
            switch readReferenced(resolved) {
            case .failure(let why):
                return .failure(SpecRejection(issues: [SpecIssue(
                    file: path, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, path: field, message: "\(relative): \(why)")]))
            case .success(let bytes):
                // Held to the spec files' rule: text, never bytes read as if they were.
                guard !bytes.contains(0), let text = String(data: bytes, encoding: .utf8) else {
                    return .failure(SpecRejection(issues: [SpecIssue(
                        file: path, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, path: field,
                        message: "\(relative): not a UTF-8 text file")]))
                }
                references.append(resolved)
                hasher.update(data: Data(resolved.utf8) + [0] + bytes)
                return .success((resolved, text))
            }
        }

        let baseFile: (path: String, text: String)
        switch load(base, baseNode, "base") {
        case .failure(let rejection): return .failure(rejection)
        case .success(let file): baseFile = file
        }
        var document: YAMLValue
        do { document = try YAMLParser.parse(baseFile.text) } catch {
            return .failure(SpecRejection(issues: [SpecIssue(file: baseFile.path, line: error.line, column: error.column, path: "(yaml)", message: error.message)]))
        }
        for (i, op) in ops.enumerated() {
            guard let relative = op.path else { continue }
            let file: (path: String, text: String)
            switch load(relative, op.node, "ops[\(i)]") {
            case .failure(let rejection): return .failure(rejection)
            case .success(let loaded): file = loaded
            }
            do {
                for operation in try OpsFile.parse(file.text) { document = try operation.apply(to: document) }
            } catch {
                return .failure(SpecRejection(issues: [SpecIssue(
                    file: file.path, line: error.line ?? 1, column: error.column ?? 1,
                    path: error.opIndex.map { "operation [\($0)]" } ?? "(ops)", message: error.message)]))
            }
        }
        var variables = Variables()
        var givenAt: [String: (file: String, node: Node?)] = [:]
        for (i, varsFile) in varsFiles.enumerated() {
            guard let relative = varsFile.path else { continue }
            let file: (path: String, text: String)
            switch load(relative, varsFile.node, "varsFiles[\(i)]") {
            case .failure(let rejection): return .failure(rejection)
            case .success(let loaded): file = loaded
            }
            do { try variables.addVarsFile(yaml: file.text, sourceName: relative) } catch {
                return .failure(SpecRejection(issues: [SpecIssue(file: file.path, line: 1, column: 1, path: "(vars)", message: error.description)]))
            }
            for name in (try? YAMLParser.parse(file.text))?.mappingKeys ?? [] { givenAt[name] = (file.path, nil) }
        }
        for v in vars {
            variables.set(v.key, to: v.value)
            givenAt[v.key] = (path, v.node)
        }

        // One namespace: a generated credential is never also given.
        let declared = Set(Self.declaredVariables(document))
        for name in variables.names.sorted() where declared.contains(name) {
            let at = givenAt[name]
            return .failure(SpecRejection(issues: [SpecIssue(
                file: at?.file ?? path, line: at?.node?.mark?.line ?? 1, column: at?.node?.mark?.column ?? 1, path: "vars.\(name)",
                message: "'\(name)' is also declared under variables: (a generated credential); one name, one source")]))
        }
        do {
            document = try interpolate(document, variables: variables, expectAllKeys: false)
        } catch {
            return .failure(SpecRejection(issues: [SpecIssue(
                file: path, line: f.entries["vars"]?.key.mark?.line ?? 1, column: 1, path: "(vars)", message: error.description)]))
        }
        let missing = document.referencedVariables.filter { !declared.contains(String($0.split(separator: ".").first ?? "")) }
        if !missing.isEmpty {
            let node = f.entries["vars"]?.key ?? root
            return .failure(SpecRejection(issues: [SpecIssue(
                file: path, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, path: "vars",
                message: "missing variables: \(missing.joined(separator: ", ")) (give them in vars: or varsFiles:, or declare them under variables:)")]))
        }
        let composed: String
        do { composed = try document.yamlString() } catch {
            return .failure(Self.issue(path, "(file)", "the composed document cannot be written as YAML: \(error)"))
        }
        return .success(Composition(text: composed, references: references, digest: Data(hasher.finalize())))
    }

    /// Names under the document's `variables:` list (generated credentials).
    static func declaredVariables(_ document: YAMLValue) -> [String] {
        guard case .array(let items)? = document["variables"] else { return [] }
        return items.compactMap { $0["name"]?.stringValue }
    }

    /// `relative` against the cluster file's directory, standardized (`..` applied).
    func resolve(_ relative: String, from path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent
        let joined = relative.hasPrefix("/") ? relative : (dir.isEmpty ? relative : dir + "/" + relative)
        return URL(fileURLWithPath: joined).standardizedFileURL.path
    }

    /// The bytes of a referenced file, if it is a regular file (links followed) inside the specs
    /// directory, as spec files are.
    func readReferenced(_ path: String) -> Result<Data, ReferenceError> {
        let root = directory ?? (path as NSString).deletingLastPathComponent
        guard let realRoot = SpecFileReader.realPath(root) else { return .failure(ReferenceError("cannot resolve the specs directory \(root)")) }
        guard let real = SpecFileReader.realPath(path) else {
            return .failure(ReferenceError(errno == ENOENT ? "no such file" : SpecFileReader.errnoText(errno)))
        }
        guard SpecFileReader.isInside(real, realRoot) else {
            return .failure(ReferenceError("is outside the specs directory (only files inside \(realRoot) are read)"))
        }
        switch SpecFileReader(directory: realRoot).read(real) {
        case .failure(let rejection): return .failure(ReferenceError(rejection.issues.first?.message ?? "cannot read"))
        case .success(let data): return .success(data)
        }
    }

    static func issue(_ file: String, _ path: String, _ message: String) -> SpecRejection {
        SpecRejection(issues: [SpecIssue(file: file, line: 1, column: 1, path: path, message: message)])
    }
}

/// Why a file a composed cluster file refers to cannot be used.
struct ReferenceError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The files one composition tried to read, in order.
final class ReferenceLog {
    var paths: [String] = []
}
