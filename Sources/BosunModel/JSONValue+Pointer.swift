import Foundation

extension JSONValue {
    /// This value with the one at `pointer` (RFC 6901) replaced; unchanged if there is none.
    public func replacing(pointer: String, with value: JSONValue) -> JSONValue {
        guard !pointer.isEmpty else { return value }
        let tokens = pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
        return replacing(tokens[...], with: value)
    }

    private func replacing(_ tokens: ArraySlice<String>, with value: JSONValue) -> JSONValue {
        guard let first = tokens.first else { return value }
        switch self {
        case .object(var fields):
            guard let child = fields[first] else { return self }
            fields[first] = child.replacing(tokens.dropFirst(), with: value)
            return .object(fields)
        case .array(var items):
            guard let i = Int(first), items.indices.contains(i) else { return self }
            items[i] = items[i].replacing(tokens.dropFirst(), with: value)
            return .array(items)
        default:
            return self
        }
    }

    /// RFC 6901 escaping of one pointer token.
    public static func pointerToken(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
