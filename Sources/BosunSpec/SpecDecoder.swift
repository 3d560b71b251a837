import BosunModel
import Foundation
import Yams

/// Turns the bytes of one spec file into a validated `ClusterSpec` with defaults filled in, or
/// into every problem found, each with file, line, column and field path.
public struct SpecDecoder: Sendable {
    /// Names what this decoder accepts and how it fills defaults. The state database keeps the
    /// decoded spec of each file keyed by its content *and* this version, so a Bosun whose
    /// validation differs never trusts an older result: bump it with any change to decoding,
    /// validation, defaults or the canonical form.
    /// The operator's job catalog (`provider: local`) is part of it: a job it gains or loses
    /// changes which specs are valid.
    public static var validatorVersion: String {
        let jobs = LocalJobNames.current
        return jobs.origin == "built-in jobs" ? "spec-v2" : "spec-v2+jobs:" + jobs.fingerprint
    }

    public init() {}

    /// Decodes raw file content. Size, encoding and emptiness are checked before YAML parsing.
    public func decode(data: Data, file: String) -> Result<ClusterSpec, SpecRejection> {
        if data.count > SpecRules.maxFileBytes {
            return reject(file, "(file)", "file is \(data.count) bytes; spec files are limited to 1 MiB")
        }
        if let nul = data.firstIndex(of: 0) {
            return reject(file, "(file)", "binary content (NUL byte at offset \(nul - data.startIndex)); expected a YAML text file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return reject(file, "(file)", "not valid UTF-8; expected a YAML text file")
        }
        return decode(yaml: text, file: file)
    }

    /// Decodes YAML text.
    public func decode(yaml text: String, file: String) -> Result<ClusterSpec, SpecRejection> {
        if text.allSatisfy({ $0.isWhitespace }) {
            return reject(file, "(file)", "empty file; expected a cluster spec mapping")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            let (line, column, message) = Self.describe(error)
            return .failure(SpecRejection(issues: [
                SpecIssue(file: file, line: line, column: column, path: "(yaml)", message: message)
            ]))
        } catch {
            // Never interpolate an unknown error: its description may be a debug dump.
            return reject(file, "(yaml)", "invalid YAML")
        }
        guard let root else {
            return reject(file, "(file)", "no YAML document (only comments); expected a cluster spec mapping")
        }
        let reader = NodeReader(file: file)
        guard case .mapping = root else {
            reader.fail(root, "(root)", "expected a mapping (a cluster spec), got \(reader.describe(root))")
            return .failure(SpecRejection(issues: reader.issues))
        }
        let spec = ClusterReader(reader).cluster(root)
        if let spec, reader.issues.isEmpty { return .success(spec) }
        let sorted = reader.issues.enumerated().sorted {
            ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset)
        }.map(\.element)
        return .failure(SpecRejection(issues: sorted))
    }

    private func reject(_ file: String, _ path: String, _ message: String) -> Result<ClusterSpec, SpecRejection> {
        .failure(SpecRejection(issues: [SpecIssue(file: file, line: 1, column: 1, path: path, message: message)]))
    }

    static func describe(_ error: YamlError) -> (Int, Int, String) {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) (line \($0.mark.line), column \($0.mark.column)): " } ?? ""
            return (mark.line, mark.column, "invalid YAML: \(prefix)\(problem)")
        case .reader(let problem, _, _, _):
            return (1, 1, "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.prefix(5).map { NodeReader.quote(SpecExcerpt.key($0)) }.joined(separator: ", ")
            let noun = duplicates.count == 1 ? "key" : "keys"
            return (context.mark.line, context.mark.column, "duplicate \(noun) \(names) in one mapping (each key may appear once)")
        default:
            // The remaining cases (memory, emitter, data) carry no position; their text may quote
            // the input, so it is not shown.
            return (1, 1, "invalid YAML")
        }
    }
}
