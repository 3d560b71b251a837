import Yams

/// Decodes an ops file's node tree into ``OpDefinition``s the way
/// `yaml.Unmarshal(bytes, &[]patch.OpDefinition{})` (yaml.v2) does, including
/// its quirks: any scalar fills a string field with its source text, a bare
/// `null`/`~`/empty value leaves a pointer field unset (so `value: null` is a
/// *missing* value), and shape mismatches are collected as
/// `line N: cannot unmarshal ...` messages.
struct OpDefinitionDecoder {
    private(set) var typeErrors: [String] = []

    mutating func decode(_ root: Node?) -> [OpDefinition] {
        guard let root else { return [] }
        switch root {
        case .sequence(let items):
            return items.map { decodeDefinition($0) }
        case .scalar(let scalar) where Self.isNull(scalar):
            return []
        default:
            typeError(root, into: "[]patch.OpDefinition")
            return []
        }
    }

    private mutating func decodeDefinition(_ node: Node) -> OpDefinition {
        var definition = OpDefinition()
        definition.line = node.mark?.line
        switch node {
        case .mapping(let mapping):
            apply(mapping, to: &definition)
        case .scalar(let scalar) where Self.isNull(scalar):
            break
        default:
            typeError(node, into: "patch.OpDefinition")
        }
        return definition
    }

    private mutating func apply(_ mapping: Node.Mapping, to definition: inout OpDefinition) {
        for (keyNode, valueNode) in mapping {
            if YAMLParser.resolvedTag(of: keyNode) == .merge {
                // yaml.v2 merges sources last-to-first so the first source wins.
                let sources: [Node]
                if case .sequence(let sequence) = valueNode { sources = Array(sequence) } else { sources = [valueNode] }
                for case .mapping(let source) in sources.reversed() {
                    apply(source, to: &definition)
                }
                continue
            }
            guard case .scalar(let keyScalar) = keyNode else { continue }
            switch keyScalar.string {
            case "type": definition.type = decodeString(valueNode) ?? ""
            case "path": definition.path = decodeOptionalString(valueNode)
            case "value": definition.value = decodeOptionalValue(valueNode)
            case "absent": definition.absent = decodeOptionalBool(valueNode)
            case "error": definition.error = decodeOptionalString(valueNode)
            default: break  // yaml.v2 ignores unknown fields
            }
        }
    }

    // MARK: - Field decoders

    private mutating func decodeString(_ node: Node) -> String? {
        guard case .scalar(let scalar) = node else {
            typeError(node, into: "string")
            return nil
        }
        return resolvesToNull(scalar) ? "" : scalar.string
    }

    private mutating func decodeOptionalString(_ node: Node) -> String? {
        if case .scalar(let scalar) = node, Self.isBareNull(scalar) {
            // A quoted "null"/"~" is still a string for a *string field.
            return Self.isQuoted(scalar) ? scalar.string : nil
        }
        return decodeString(node)
    }

    private mutating func decodeOptionalValue(_ node: Node) -> YAMLValue? {
        if case .scalar(let scalar) = node, Self.isBareNull(scalar) {
            if Self.isQuoted(scalar) { typeError(node, into: "*interface {}") }
            return nil
        }
        // Conversion cannot fail for composed nodes (aliases are already resolved).
        return (try? YAMLParser.value(from: node)) ?? .null
    }

    private mutating func decodeOptionalBool(_ node: Node) -> Bool? {
        if case .scalar(let scalar) = node, Self.isBareNull(scalar) {
            if Self.isQuoted(scalar) { typeError(node, into: "*bool") }
            return nil
        }
        guard case .scalar(let scalar) = node, !Self.isQuoted(scalar) else {
            typeError(node, into: "bool")
            return nil
        }
        if resolvesToNull(scalar) { return false }
        if YAMLParser.resolvedTag(of: node) == .bool, let flag = Bool.construct(from: scalar) { return flag }
        // YAML 1.1 single-letter booleans that yaml.v2 accepts and Yams does not.
        switch scalar.string {
        case "y", "Y": return true
        case "n", "N": return false
        default:
            typeError(node, into: "bool")
            return nil
        }
    }

    // MARK: - yaml.v2 null rules

    /// yaml.v2's `prepare` check: an explicit `!!null`, or an untagged `null`,
    /// `~`, or empty plain scalar. Deliberately not `Null`/`NULL`.
    private static func isBareNull(_ scalar: Node.Scalar) -> Bool {
        let explicitTag = explicitTagName(scalar)
        if explicitTag == Tag.Name.null.rawValue { return true }
        guard explicitTag.isEmpty else { return false }
        return scalar.string == "null" || scalar.string == "~" || (scalar.string.isEmpty && !isQuoted(scalar))
    }

    private func resolvesToNull(_ scalar: Node.Scalar) -> Bool {
        !Self.isQuoted(scalar) && YAMLParser.resolvedTag(of: .scalar(scalar)) == .null
    }

    private static func isNull(_ scalar: Node.Scalar) -> Bool {
        !isQuoted(scalar) && YAMLParser.resolvedTag(of: .scalar(scalar)) == .null
    }

    private static func isQuoted(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .singleQuoted || scalar.style == .doubleQuoted
    }

    /// The tag written in the source. Yams tags quoted scalars `!!str`
    /// itself, which yaml.v2 does not count as explicit.
    private static func explicitTagName(_ scalar: Node.Scalar) -> String {
        if isQuoted(scalar) { return "" }
        return scalar.tag.description
    }

    // MARK: - Errors

    private mutating func typeError(_ node: Node, into target: String) {
        let tag = Self.shortTag(YAMLParser.resolvedTag(of: node).rawValue)
        var shown = ""
        if case .scalar(let scalar) = node {
            let bytes = Array(scalar.string.utf8)
            shown = bytes.count > 10
                ? " `" + String(decoding: bytes.prefix(7), as: UTF8.self) + "...`"
                : " `" + scalar.string + "`"
        }
        typeErrors.append("line \(node.mark?.line ?? 0): cannot unmarshal \(tag)\(shown) into \(target)")
    }

    private static func shortTag(_ tag: String) -> String {
        let prefix = "tag:yaml.org,2002:"
        return tag.hasPrefix(prefix) ? "!!" + tag.dropFirst(prefix.count) : tag
    }
}
