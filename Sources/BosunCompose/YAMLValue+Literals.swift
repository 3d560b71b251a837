// Literal conformances so callers and tests can write documents inline,
// e.g. `let doc: YAMLValue = ["name": "web", "instances": 2]`.

extension YAMLValue: ExpressibleByNilLiteral {
    /// Literal syntax for the matching case.
    public init(nilLiteral: ()) { self = .null }
}

extension YAMLValue: ExpressibleByBooleanLiteral {
    /// Literal syntax for the matching case.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension YAMLValue: ExpressibleByIntegerLiteral {
    /// Literal syntax for the matching case.
    public init(integerLiteral value: Int) { self = .int(value) }
}

extension YAMLValue: ExpressibleByFloatLiteral {
    /// Literal syntax for the matching case.
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension YAMLValue: ExpressibleByStringLiteral {
    /// Literal syntax for the matching case.
    public init(stringLiteral value: String) { self = .string(value) }
}

extension YAMLValue: ExpressibleByArrayLiteral {
    /// Literal syntax for the matching case.
    public init(arrayLiteral elements: YAMLValue...) { self = .array(elements) }
}

extension YAMLValue: ExpressibleByDictionaryLiteral {
    /// Keeps the literal's key order, which is why this is not built from a `Dictionary`.
    /// Literal syntax for the matching case.
    public init(dictionaryLiteral elements: (String, YAMLValue)...) {
        self = .mapping(elements.map { (key: $0.0, value: $0.1) })
    }
}
