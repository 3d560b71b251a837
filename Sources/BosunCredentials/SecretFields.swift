/// The secret parts of one credential version, by key (`certificate`, `private_key`, `ca`,
/// `password`, `public_key`, `public_key_fingerprint`). Its descriptions are redacted, so
/// interpolating one into a log line, an error or a test failure never prints a secret; read a
/// value with `subscript` only where it is meant to leave (`creds get`, delivery to a node).
public struct SecretFields: Sendable, Hashable, Codable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private var values: [String: String]

    public init(_ values: [String: String]) { self.values = values }

    /// The value of `key`, or nil if this credential has no such key.
    public subscript(_ key: String) -> String? { values[key] }

    /// The keys present, sorted.
    public var keys: [String] { values.keys.sorted() }

    public var description: String { "SecretFields(\(keys.joined(separator: ", ")): <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    public init(from decoder: Decoder) throws {
        values = try decoder.singleValueContainer().decode([String: String].self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }
}
