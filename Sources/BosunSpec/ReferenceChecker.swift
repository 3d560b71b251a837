import BosunModel
import Yams

/// Checks the `((name))` / `((name.key))` references in group `properties` against the
/// declared variables: the name is declared, the key exists for its type, and a reference inside
/// a longer string resolves to a string (a certificate or key pair as a whole is a mapping).
struct ReferenceChecker {
    let r: NodeReader
    let variables: [String: VariableSpec]

    init(_ reader: NodeReader, variables: [VariableSpec]) {
        r = reader
        self.variables = Dictionary(uniqueKeysWithValues: variables.map { ($0.name, $0) })
    }

    /// The references in `text`, in order (`VariableReference.all`).
    static func references(in text: String) -> [VariableReference] { VariableReference.all(in: text) }

    /// Walks the `properties` of every group under `groupsNode` (the raw `groups:` list).
    func check(groupsNode: Node, path: String) -> Bool {
        guard case .sequence(let groups) = groupsNode else { return true }
        var ok = true
        for (i, group) in groups.enumerated() {
            guard let properties = group.mapping?["properties"] else { continue }
            ok = walk(properties, "\(path)[\(i)].properties", depth: 1) && ok
        }
        return ok
    }

    private func walk(_ node: Node, _ path: String, depth: Int) -> Bool {
        guard depth <= NodeReader.maxJSONDepth else { return true }  // the reader reports it
        switch node {
        case .scalar(let scalar):
            guard NodeReader.tag(node) == Tag.Name.str.rawValue else { return true }
            var ok = true
            for reference in Self.references(in: scalar.string) {
                ok = check(reference, node, path) && ok
            }
            return ok
        case .sequence(let items):
            var ok = true
            for (i, item) in items.enumerated() { ok = walk(item, "\(path)[\(i)]", depth: depth + 1) && ok }
            return ok
        case .mapping(let map):
            var ok = true
            for (key, value) in map {
                ok = walk(value, NodeReader.join(path, key.string ?? ""), depth: depth + 1) && ok
            }
            return ok
        case .alias:
            return true
        }
    }

    private func check(_ reference: VariableReference, _ node: Node, _ path: String) -> Bool {
        let shown = "((\(SpecExcerpt.clipped(reference.body, limit: 80))))"
        let parts = reference.body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), VariablesReader.isVariableName(parts[0]),
            parts.count == 1 || !parts[1].isEmpty
        else {
            r.fail(node, path, "malformed reference \(NodeReader.quote(shown)): write ((name)) or ((name.key))")
            return false
        }
        let name = String(parts[0])
        guard let variable = variables[name] else {
            var message = "undefined variable '\(name)' in \(shown)"
            if let guess = NodeReader.closest(to: name, in: Array(variables.keys).sorted()) {
                message += "; did you mean '\(guess)'?"
            } else if variables.isEmpty {
                message += "; the spec declares no variables"
            }
            r.fail(node, path, message)
            return false
        }
        if parts.count == 2 {
            let key = String(parts[1])
            guard variable.type.keys.contains(key) else {
                var message = "a \(variable.type.rawValue) has no key '\(SpecExcerpt.clipped(key, limit: 64))' in \(shown); keys: \(variable.type.keys.joined(separator: ", "))"
                if let guess = NodeReader.closest(to: key, in: variable.type.keys) { message += "; did you mean '\(guess)'?" }
                r.fail(node, path, message)
                return false
            }
            return true
        }
        guard reference.whole || variable.type.isScalar else {
            r.fail(
                node, path,
                "\(shown) is a \(variable.type.rawValue), a mapping: only a whole value can be one; inside a longer string use a key such as ((\(name).\(variable.type.keys[0])))"
            )
            return false
        }
        return true
    }
}
