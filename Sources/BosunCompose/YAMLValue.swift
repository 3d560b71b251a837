/// A YAML document value as BOSH tooling sees it: scalars, sequences and
/// key-ordered mappings.
///
/// Mappings keep their source key order because `bosh interpolate`-style
/// pipelines are expected to round-trip documents without reshuffling them.
/// Keys are always strings; non-string keys are converted to their string
/// form when a document is parsed.
///
/// `==` and `hash(into:)` are structural and order-sensitive (two mappings with
/// the same entries in a different order are *not* `==`). Use
/// ``isSemanticallyEqual(to:)`` for the order-insensitive comparison that
/// go-patch's `test` operation performs.
public indirect enum YAMLValue: Sendable, Hashable {
    case null, bool(Bool), int(Int), double(Double), string(String)
    case array([YAMLValue])
    case mapping([(key: String, value: YAMLValue)])  // ordered; Hashable is implemented by hand

    /// Structural, order-sensitive equality (NaN equals NaN so that `==` stays reflexive).
    public static func == (lhs: YAMLValue, rhs: YAMLValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null):
            return true
        case let (.bool(a), .bool(b)):
            return a == b
        case let (.int(a), .int(b)):
            return a == b
        case let (.double(a), .double(b)):
            // NaN must equal itself here, otherwise `==` would not be reflexive
            // and the value could not be used in sets or as dictionary keys.
            return a == b || (a.isNaN && b.isNaN)
        case let (.string(a), .string(b)):
            return a == b
        case let (.array(a), .array(b)):
            return a == b
        case let (.mapping(a), .mapping(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default:
            return false
        }
    }

    /// Hashes consistently with `==`, mapping order included.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null:
            hasher.combine(0)
        case .bool(let value):
            hasher.combine(1)
            hasher.combine(value)
        case .int(let value):
            hasher.combine(2)
            hasher.combine(value)
        case .double(let value):
            hasher.combine(3)
            // All NaNs compare equal above, so they must hash alike too.
            hasher.combine(value.isNaN ? Double.nan.bitPattern : value.bitPattern)
        case .string(let value):
            hasher.combine(4)
            hasher.combine(value)
        case .array(let values):
            hasher.combine(5)
            hasher.combine(values)
        case .mapping(let pairs):
            hasher.combine(6)
            hasher.combine(pairs.count)
            for pair in pairs {
                hasher.combine(pair.key)
                hasher.combine(pair.value)
            }
        }
    }

    /// Compares like Go's `reflect.DeepEqual` on decoded YAML, which is what
    /// go-patch's `test` operation uses: mapping key order is ignored, `int`
    /// and `double` never compare equal, and NaN never equals anything.
    public func isSemanticallyEqual(to other: YAMLValue) -> Bool {
        switch (self, other) {
        case let (.double(a), .double(b)):
            return a == b
        case let (.array(a), .array(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isSemanticallyEqual(to: $1) }
        case let (.mapping(a), .mapping(b)):
            guard a.count == b.count else { return false }
            for pair in a {
                guard let match = b.first(where: { $0.key == pair.key }),
                      pair.value.isSemanticallyEqual(to: match.value) else { return false }
            }
            return true
        default:
            return self == other
        }
    }
}

extension YAMLValue {
    /// The value stored under `key` when this is a mapping (first match), else `nil`.
    public subscript(key: String) -> YAMLValue? {
        guard case .mapping(let pairs) = self else { return nil }
        return pairs.first(where: { $0.key == key })?.value
    }

    /// The element at `index` when this is an array and the index is in range, else `nil`.
    public subscript(index: Int) -> YAMLValue? {
        guard case .array(let values) = self, values.indices.contains(index) else { return nil }
        return values[index]
    }

    /// The mapping's keys in document order, or `nil` when this is not a mapping.
    public var mappingKeys: [String]? {
        guard case .mapping(let pairs) = self else { return nil }
        return pairs.map(\.key)
    }

    /// The string payload when this is `.string`, else `nil`.
    public var stringValue: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }

    /// The scalar's text as Go's `fmt` `%v` and yaml.v2 would print it
    /// (`null` for null); `nil` for arrays and mappings.
    public var scalarText: String? {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .double(let value): return GoFormat.float(value)
        case .string(let value): return value
        case .array, .mapping: return nil
        }
    }
}

extension Array where Element == (key: String, value: YAMLValue) {
    /// Sets `key` in place when present (keeping its position), else appends it,
    /// mirroring a Go map assignment on an ordered mapping.
    mutating func setValue(_ value: YAMLValue, forKey key: String) {
        if let index = firstIndex(where: { $0.key == key }) {
            self[index].value = value
        } else {
            append((key: key, value: value))
        }
    }
}
