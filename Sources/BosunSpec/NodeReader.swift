import BosunModel
import Yams

/// Reads a composed YAML tree field by field, collecting every problem instead of stopping at
/// the first, so one `bosun validate` run shows them all.
final class NodeReader {
    let file: String
    private(set) var issues: [SpecIssue] = []
    /// Aliases can make a small file expand into a huge tree ("billion laughs"); every node
    /// visited costs one unit of this budget.
    private var budget: Int

    init(file: String, nodeBudget: Int = 100_000) {
        self.file = file
        self.budget = nodeBudget
    }

    var exhausted: Bool { budget <= 0 }

    func fail(_ node: Node?, _ path: String, _ message: String) {
        let mark = node?.mark
        fail(line: mark?.line ?? 1, column: mark?.column ?? 1, path, message)
    }

    func fail(line: Int, column: Int, _ path: String, _ message: String) {
        issues.append(SpecIssue(file: file, line: line, column: column, path: path, message: message))
    }

    private func spend(_ node: Node, _ path: String) -> Bool {
        budget -= 1
        if budget == 0 {
            fail(node, path, "document too large or too deeply aliased (more than 100000 nodes)")
        }
        return budget > 0
    }

    // MARK: - Structure

    /// A mapping's entries by key, in file order, after checking keys are plain unique strings
    /// from `allowed`.
    func mapping(_ node: Node, _ path: String, allowed: [String]) -> Fields? {
        guard spend(node, path) else { return nil }
        guard case .mapping(let map) = node else {
            fail(node, path, "expected a mapping, got \(describe(node))")
            return nil
        }
        var fields = Fields(node: node, path: path)
        guard let entries = expandingMerges(map, path) else { return nil }
        for (keyNode, value) in entries {
            guard case .scalar(let key) = keyNode else {
                fail(keyNode, path, "keys must be plain strings, got \(describe(keyNode))")
                continue
            }
            let name = key.string
            let childPath = Self.join(path, name)
            if fields.entries[name] != nil {
                fail(keyNode, childPath, "duplicate key")
                continue
            }
            guard allowed.contains(name) else {
                var message = "unknown field"
                if let guess = Self.closest(to: name, in: allowed) {
                    message += "; did you mean '\(guess)'?"
                    if fields.suggested[guess] == nil { fields.suggested[guess] = keyNode }
                } else {
                    message += "; allowed here: \(allowed.joined(separator: ", "))"
                }
                fail(keyNode, childPath, message)
                continue
            }
            fields.entries[name] = (keyNode, value)
        }
        return fields
    }

    /// A mapping's entries with YAML merge keys expanded as YAML 1.1 and the usual tools
    /// (Kubernetes manifests, docker-compose, CI files) do: `<<: *anchor` or `<<: [*a, *b]`
    /// adds the keys of the merged mappings that the mapping does not set itself, earlier
    /// mappings in the list winning over later ones. The mapping's own keys come first, in file
    /// order; a merged value keeps its own position for error messages. Nil (with the problem
    /// recorded) when a merge key holds anything but a mapping or a list of mappings.
    func expandingMerges(_ map: Node.Mapping, _ path: String) -> [(key: Node, value: Node)]? {
        var own: [(key: Node, value: Node)] = []
        var merges: [Node] = []
        for (key, value) in map {
            if case .scalar(let scalar) = key, scalar.string == "<<", scalar.style == .plain {
                merges.append(value)
            } else {
                own.append((key, value))
            }
        }
        guard !merges.isEmpty else { return own }
        var seen = Set(own.compactMap { entry -> String? in
            if case .scalar(let scalar) = entry.key { return scalar.string }
            return nil
        })
        var out = own
        let mergePath = Self.join(path, "<<")
        for merge in merges {
            let sources: [Node]
            switch merge {
            case .mapping: sources = [merge]
            case .sequence(let seq): sources = Array(seq)
            default:
                fail(merge, mergePath, "a merge key takes a mapping or a list of mappings, got \(describe(merge))")
                return nil
            }
            for source in sources {
                guard spend(source, mergePath) else { return nil }
                guard case .mapping(let merged) = source else {
                    fail(source, mergePath, "a merge key takes a mapping or a list of mappings, got \(describe(source))")
                    return nil
                }
                guard let inner = expandingMerges(merged, path) else { return nil }
                for entry in inner {
                    if case .scalar(let scalar) = entry.key, !seen.insert(scalar.string).inserted { continue }
                    out.append(entry)
                }
            }
        }
        return out
    }

    func sequence(_ node: Node, _ path: String, min: Int, max: Int) -> [Node]? {
        guard spend(node, path) else { return nil }
        guard case .sequence(let seq) = node else {
            fail(node, path, "expected a list, got \(describe(node))")
            return nil
        }
        let items = Array(seq)
        if items.count < min {
            fail(node, path, min == 1 ? "must list at least one entry" : "must list at least \(min) entries")
            return nil
        }
        if items.count > max {
            fail(node, path, "must list at most \(max) entries, got \(items.count)")
            return nil
        }
        return items
    }

    // MARK: - Scalars

    func string(_ node: Node, _ path: String) -> String? {
        guard spend(node, path) else { return nil }
        guard case .scalar(let scalar) = node else {
            fail(node, path, "expected a string, got \(describe(node))")
            return nil
        }
        guard NodeReader.tag(.scalar(scalar)) == Tag.Name.str.rawValue else {
            fail(node, path, "expected a string, got \(describe(node)); quote it: \"\(SpecExcerpt.clipped(scalar.string, limit: 80))\"")
            return nil
        }
        return scalar.string
    }

    /// A string that must match `rule`; `ruleText` says in words what is allowed.
    func token(_ node: Node, _ path: String, rule: (String) -> Bool, ruleText: String) -> String? {
        guard let text = string(node, path) else { return nil }
        guard rule(text) else {
            fail(node, path, "\(ruleText), got \(Self.quote(text))\(Self.nonASCIINote(text))")
            return nil
        }
        return text
    }

    func int(_ node: Node, _ path: String, range: ClosedRange<Int>) -> Int? {
        guard spend(node, path) else { return nil }
        guard case .scalar(let scalar) = node, NodeReader.tag(.scalar(scalar)) == Tag.Name.int.rawValue,
            let value = node.int
        else {
            fail(node, path, "expected an integer from \(range.lowerBound) to \(range.upperBound), got \(describe(node))")
            return nil
        }
        guard range.contains(value) else {
            fail(node, path, "must be from \(range.lowerBound) to \(range.upperBound), got \(value)")
            return nil
        }
        return value
    }

    func bool(_ node: Node, _ path: String) -> Bool? {
        guard spend(node, path) else { return nil }
        guard case .scalar(let scalar) = node, NodeReader.tag(.scalar(scalar)) == Tag.Name.bool.rawValue,
            let value = node.bool
        else {
            fail(node, path, "expected true or false, got \(describe(node))")
            return nil
        }
        return value
    }

    func oneOf<E: RawRepresentable & CaseIterable>(_ node: Node, _ path: String, _: E.Type) -> E?
    where E.RawValue == String {
        guard let text = string(node, path) else { return nil }
        guard let value = E(rawValue: text) else {
            let names = E.allCases.map { "'\($0.rawValue)'" }
            let allowed = names.count > 2 ? names.dropLast().joined(separator: ", ") + " or " + names.last! : names.joined(separator: " or ")
            fail(node, path, "must be \(allowed), got \(Self.quote(text))")
            return nil
        }
        return value
    }

    /// Deepest nesting of a free-form value. JSON coders and SQLite's JSON functions have
    /// their own limits (around 512 and 1000 levels) and fail with unreadable errors past them;
    /// no job configuration needs more than a few levels.
    static let maxJSONDepth = 64

    /// Free-form value (group `properties`) converted to JSON.
    func json(_ node: Node, _ path: String, depth: Int = 1) -> JSONValue? {
        guard spend(node, path) else { return nil }
        if depth > Self.maxJSONDepth, node.isCollection {
            fail(node, path, "nested more than \(Self.maxJSONDepth) levels deep; flatten it")
            return nil
        }
        switch node {
        case .scalar(let scalar):
            switch NodeReader.tag(.scalar(scalar)) {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return node.bool.map(JSONValue.bool)
            case Tag.Name.int.rawValue:
                if let i = node.int { return .int(i) }
                fail(node, path, "integer out of range: \(Self.quote(scalar.string))")
                return nil
            case Tag.Name.float.rawValue:
                guard let d = node.float, d.isFinite else {
                    fail(node, path, "\(Self.quote(scalar.string)) cannot be represented in JSON; quote it")
                    return nil
                }
                return .double(d)
            default: return .string(scalar.string)
            }
        case .sequence(let seq):
            var out: [JSONValue] = []
            for (i, item) in seq.enumerated() {
                guard let v = json(item, "\(path)[\(i)]", depth: depth + 1) else { return nil }
                out.append(v)
            }
            return .array(out)
        case .mapping(let map):
            var out: [String: JSONValue] = [:]
            guard let entries = expandingMerges(map, path) else { return nil }
            for (keyNode, value) in entries {
                guard case .scalar(let key) = keyNode else {
                    fail(keyNode, path, "keys must be plain strings, got \(describe(keyNode))")
                    return nil
                }
                let childPath = Self.join(path, key.string)
                guard out[key.string] == nil else {
                    fail(keyNode, childPath, "duplicate key")
                    return nil
                }
                guard let v = json(value, childPath, depth: depth + 1) else { return nil }
                out[key.string] = v
            }
            return .object(out)
        case .alias:
            fail(node, path, "unresolved alias")
            return nil
        }
    }

    // MARK: - Helpers

    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s):
            switch NodeReader.tag(node) {
            case Tag.Name.null.rawValue: return "null"
            case Tag.Name.int.rawValue: return "the integer \(s.string)"
            case Tag.Name.float.rawValue: return "the number \(s.string)"
            case Tag.Name.bool.rawValue: return "the boolean \(s.string)"
            case Tag.Name.str.rawValue: return "the string \(Self.quote(s.string))"
            default: return "\(Self.quote(s.string)) (tag \(Self.quote(NodeReader.tag(node))))"
            }
        }
    }

    /// The resolved YAML tag of a node (plain scalars resolve by content; quoted ones are strings).
    static func tag(_ node: Node) -> String { Resolver.default.resolveTag(of: node).rawValue }

    /// A child's field path. The key comes from the file, so only a short, escaped excerpt of
    /// it goes into the path (and so into every message, view and log line that names it).
    static func join(_ path: String, _ key: String) -> String {
        let key = SpecExcerpt.key(key)
        return path.isEmpty ? key : "\(path).\(key)"
    }

    /// Quotes a value for a message, escaping control characters and clipping long values so an
    /// error line stays one readable line.
    static func quote(_ text: String) -> String {
        var clipped = String(text.unicodeScalars.prefix(80).map(Character.init))
        if text.unicodeScalars.count > 80 { clipped += "…" }
        var out = "'"
        for scalar in clipped.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7f {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "'"
    }

    static func nonASCIINote(_ text: String) -> String {
        guard let odd = text.unicodeScalars.first(where: { !$0.isASCII }) else { return "" }
        let hex = String(odd.value, radix: 16, uppercase: true)
        return " (contains the non-ASCII character U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex))"
    }

    static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= min(2, max(1, word.count / 2)) else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}

/// The checked entries of one mapping.
struct Fields {
    let node: Node
    let path: String
    var entries: [String: (key: Node, value: Node)] = [:]
    /// Allowed keys that an unknown key was taken to be a typo of, with that key's node: a
    /// missing required field is then reported there, right after the typo that explains it.
    var suggested: [String: Node] = [:]

    subscript(_ key: String) -> Node? { entries[key]?.value }

    func path(_ key: String) -> String { NodeReader.join(path, key) }
}

extension Node {
    var isCollection: Bool {
        switch self {
        case .mapping, .sequence: true
        case .scalar, .alias: false
        }
    }
}
