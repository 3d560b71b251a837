import BosunStore
import Foundation

/// A row `--json` prints with every field present (`null` when absent, not left out) and its
/// times in RFC 3339 UTC (`2026-11-27T00:14:39.443Z`), not SQLite's `2026-11-27 00:14:39.443`.
/// Conformers are plain structs whose property names are their JSON keys (in snake case).
protocol JSONRecord: Encodable {}

/// Encodes a value, expanding `JSONRecord`s by their stored properties (see `JSONRecord`);
/// every other value encodes itself.
struct AllFields: Encodable {
    let value: Any

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        if let array = value as? [Any] {
            var c = encoder.unkeyedContainer()
            for item in array { try c.encode(AllFields(value: item)) }
            return
        }
        guard value is any JSONRecord else {
            guard let encodable = value as? any Encodable else {
                throw EncodingError.invalidValue(value, .init(codingPath: encoder.codingPath, debugDescription: "not Encodable"))
            }
            try encodable.encode(to: encoder)
            return
        }
        var c = encoder.container(keyedBy: Key.self)
        for child in Mirror(reflecting: value).children {
            guard let label = child.label else { continue }
            let key = Key(label)
            let inner = Mirror(reflecting: child.value)
            if inner.displayStyle == .optional {
                guard let some = inner.children.first?.value else {
                    try c.encodeNil(forKey: key)
                    continue
                }
                try c.encode(AllFields(value: Self.time(some, label: label)), forKey: key)
            } else {
                try c.encode(AllFields(value: Self.time(child.value, label: label)), forKey: key)
            }
        }
    }

    /// A SQLite timestamp in a field named like a time, as RFC 3339 UTC.
    static func time(_ value: Any, label: String) -> Any {
        guard let text = value as? String, label == "at" || label.hasSuffix("At") || label.hasSuffix("Since") || label.hasSuffix("Seen"),
            text.range(of: #"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$"#, options: .regularExpression) != nil
        else { return value }
        return text.replacingOccurrences(of: " ", with: "T") + "Z"
    }
}

extension ClusterStatus: JSONRecord {}
extension InstanceStatus: JSONRecord {}
extension SpecErrorRow: JSONRecord {}
extension EventRow: JSONRecord {}
extension OrphanedDisk: JSONRecord {}
extension CredentialRow: JSONRecord {}
extension ApplyDriver.Outcome: JSONRecord {}
extension DriftCommand.Report: JSONRecord {}
extension DriftCommand.Item: JSONRecord {}
extension StatusCommand.Overview: JSONRecord {}
extension StatusCommand.Detail: JSONRecord {}
extension StatusCommand.ClusterFinding: JSONRecord {}
extension ValidateCommand.FileResult: JSONRecord {}
