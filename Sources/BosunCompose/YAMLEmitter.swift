import Yams

/// Writes a ``YAMLValue`` as block-style YAML text the way `bosh interpolate`
/// (yaml.v2) does as far as Yams allows: 2-space indent, sequences not indented
/// under their key, `[]`/`{}` for empty collections, multi-line strings as
/// literal blocks, strings that would otherwise read back as another type
/// double-quoted, and long scalars folded at 80 columns.
///
/// Deliberate differences from yaml.v2: mapping keys keep document order unless
/// ``sortKeys`` is set; integral doubles keep a `.0` so they read back as floats.
public struct YAMLEmitter: Sendable {
    /// Sort mapping keys with yaml.v2's ordering (what `bosh interpolate` prints).
    public var sortKeys: Bool

    /// An emitter; document key order is kept unless `sortKeys` is set.
    public init(sortKeys: Bool = false) {
        self.sortKeys = sortKeys
    }

    /// Renders `value` as one YAML document ending in a newline.
    ///
    /// Throws the underlying Yams emitter error if libyaml rejects the event
    /// stream (not expected for values built from this module's cases).
    public func emit(_ value: YAMLValue) throws -> String {
        try Yams.serialize(node: node(for: value), indent: 2, width: 0, allowUnicode: true)
    }

    /// The Yams node that ``emit(_:)`` serializes, with scalar styles chosen.
    public func node(for value: YAMLValue) -> Node {
        switch value {
        case .null:
            return Node("null", Tag(.null), .plain)
        case .bool(let flag):
            return Node(flag ? "true" : "false", Tag(.bool), .plain)
        case .int(let number):
            return Node(String(number), Tag(.int), .plain)
        case .double(let number):
            return Node(Self.floatText(number), Tag(.float), .plain)
        case .string(let text):
            return Node(text, Tag(.str), Self.style(for: text))
        case .array(let items):
            return Node(items.map { node(for: $0) }, Tag(.seq), .block)
        case .mapping(let pairs):
            let ordered = sortKeys ? pairs.sorted { YAMLKeyOrder.precedes($0.key, $1.key) } : pairs
            let nodes = ordered.map { (Node($0.key, Tag(.str), Self.style(for: $0.key)), node(for: $0.value)) }
            return Node(nodes, Tag(.map), .block)
        }
    }

    /// yaml.v2's rule: literal block for multi-line text, plain when the text
    /// reads back as a string, double quotes otherwise. libyaml itself falls
    /// back to quoting when plain is not syntactically possible.
    static func style(for text: String) -> Node.Scalar.Style {
        if text.contains("\n") { return .literal }
        let probe = Node.scalar(.init(text, .implicit, .plain))
        if Resolver.default.resolveTag(of: probe) != .str || yaml11OnlyBooleans.contains(text) {
            return .doubleQuoted
        }
        return .plain
    }

    /// YAML 1.1 booleans that Yams reads as strings but yaml.v2 (and so BOSH) reads as bools.
    private static let yaml11OnlyBooleans: Set<String> = ["y", "Y", "n", "N"]

    private static func floatText(_ number: Double) -> String {
        if number.isNaN { return ".nan" }
        if number.isInfinite { return number < 0 ? "-.inf" : ".inf" }
        let text = GoFormat.float(number)
        // Go prints 1.0 as "1", which would read back as an int.
        return text.contains(where: { $0 == "." || $0 == "e" }) ? text : text + ".0"
    }
}

extension YAMLValue {
    /// This value as YAML text; see ``YAMLEmitter``. Throws only if Yams fails to emit.
    public func yamlString(sortKeys: Bool = false) throws -> String {
        try YAMLEmitter(sortKeys: sortKeys).emit(self)
    }
}
