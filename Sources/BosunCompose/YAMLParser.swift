import Foundation
import Yams

/// Converts YAML text or Yams nodes into ``YAMLValue``, keeping mapping key order.
///
/// Scalars are typed with Yams' default tag resolution (null, bool, int, float,
/// everything else a string). Timestamps stay strings, as yaml.v2 does when it
/// decodes into `interface{}`. Merge keys (`<<`) are expanded. Non-string keys
/// become their string form (`1: a` has key `"1"`).
public enum YAMLParser {
    /// Parses a single YAML document. An empty document parses as `.null`.
    ///
    /// Throws ``YAMLSyntaxError`` (with line:column) when the text is not valid
    /// YAML, holds more than one document, or repeats a key within a mapping.
    public static func parse(_ yaml: String) throws(YAMLSyntaxError) -> YAMLValue {
        guard let node = try composeNode(yaml) else { return .null }
        return try value(from: node)
    }

    /// Converts an already composed Yams node.
    ///
    /// Throws ``YAMLSyntaxError`` only for an unresolved alias node.
    public static func value(from node: Node) throws(YAMLSyntaxError) -> YAMLValue {
        switch node {
        case .scalar(let scalar):
            return scalarValue(scalar, resolvedTag: YAMLParser.resolvedTag(of: node))
        case .sequence(let sequence):
            var items: [YAMLValue] = []
            items.reserveCapacity(sequence.count)
            for item in sequence {
                items.append(try value(from: item))
            }
            return .array(items)
        case .mapping(let mapping):
            return .mapping(try pairs(of: mapping))
        case .alias(let alias):
            throw YAMLSyntaxError(line: alias.mark?.line ?? 0, column: alias.mark?.column ?? 0,
                                  message: "unresolved alias '\(alias.anchor.rawValue)'")
        }
    }

    /// The node's tag after Yams' resolution (Yams keeps `Tag.name` internal).
    static func resolvedTag(of node: Node) -> Tag.Name {
        Tag.Name(rawValue: node.tag.description)
    }

    /// Composes the node tree (used where callers need source marks as well).
    static func composeNode(_ yaml: String) throws(YAMLSyntaxError) -> Node? {
        do {
            return try Yams.compose(yaml: yaml)
        } catch {
            throw YAMLSyntaxError(error)
        }
    }

    private static func scalarValue(_ scalar: Node.Scalar, resolvedTag: Tag.Name) -> YAMLValue {
        switch resolvedTag {
        case .null:
            return .null
        case .bool:
            return Bool.construct(from: scalar).map(YAMLValue.bool) ?? .string(scalar.string)
        case .int:
            if let number = Int.construct(from: scalar) { return .int(number) }
            // Out-of-range integers degrade to floats rather than failing the document.
            return Double.construct(from: scalar).map(YAMLValue.double) ?? .string(scalar.string)
        case .float:
            return Double.construct(from: scalar).map(YAMLValue.double) ?? .string(scalar.string)
        default:
            return .string(scalar.string)
        }
    }

    private static func pairs(of mapping: Node.Mapping) throws(YAMLSyntaxError) -> [(key: String, value: YAMLValue)] {
        var explicit: [(key: String, value: YAMLValue)] = []
        var merged: [(key: String, value: YAMLValue)] = []
        var mergePosition: Int?
        for (keyNode, valueNode) in mapping {
            if YAMLParser.resolvedTag(of: keyNode) == .merge {
                mergePosition = mergePosition ?? explicit.count
                try collectMerge(valueNode, into: &merged)
                continue
            }
            explicit.setValue(try value(from: valueNode), forKey: try keyString(keyNode))
        }
        guard let position = mergePosition else { return explicit }
        // Explicit keys win over merged ones; merged keys sit where `<<` was.
        let explicitKeys = Set(explicit.map(\.key))
        let inherited = merged.filter { !explicitKeys.contains($0.key) }
        explicit.insert(contentsOf: inherited, at: position)
        return explicit
    }

    /// YAML merge semantics: earlier sources win over later ones.
    private static func collectMerge(_ node: Node, into merged: inout [(key: String, value: YAMLValue)]) throws(YAMLSyntaxError) {
        let sources: [Node]
        if case .sequence(let sequence) = node { sources = Array(sequence) } else { sources = [node] }
        for source in sources {
            guard case .mapping(let pairs) = try value(from: source) else {
                throw YAMLSyntaxError(line: source.mark?.line ?? 0, column: source.mark?.column ?? 0,
                                      message: "map merge requires map or sequence of maps as the value")
            }
            for pair in pairs where !merged.contains(where: { $0.key == pair.key }) {
                merged.append(pair)
            }
        }
    }

    private static func keyString(_ node: Node) throws(YAMLSyntaxError) -> String {
        let key = try value(from: node)
        if let text = key.scalarText { return text }
        // Complex keys are rare in BOSH manifests; their flow rendering is the least surprising string form.
        let rendered = (try? Yams.serialize(node: node)) ?? ""
        return rendered.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
