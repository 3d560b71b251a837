/// go-patch's internal error values, kept typed because the `test` op's
/// absence check must tell "missing key/index at exactly this path" apart
/// from every other failure.
enum PatchFailure: Error {
    case mismatchType(expected: String, path: Pointer, found: YAMLValue)
    case missingMapKey(key: String, path: Pointer, siblings: [String])
    case missingIndex(index: Int, count: Int, path: Pointer)
    case multipleMatching(path: Pointer, count: Int)
    case unexpectedToken(PointerToken, path: Pointer)
    case message(String)

    static func expectedArray(_ path: Pointer, _ found: YAMLValue) -> PatchFailure {
        .mismatchType(expected: "an array", path: path, found: found)
    }

    static func expectedMap(_ path: Pointer, _ found: YAMLValue) -> PatchFailure {
        .mismatchType(expected: "a map", path: path, found: found)
    }

    static func missingKey(_ key: String, _ path: Pointer, in pairs: [(key: String, value: YAMLValue)]) -> PatchFailure {
        .missingMapKey(key: key, path: path, siblings: pairs.map(\.key))
    }

    /// go-patch's `Error()` text for each error type (errs.go).
    var text: String {
        switch self {
        case let .mismatchType(expected, path, found):
            return "Expected to find \(expected) at path '\(path)' but found '\(GoFormat.typeName(found))'"
        case let .missingMapKey(key, path, siblings):
            guard !siblings.isEmpty else {
                return "Expected to find a map key '\(key)' for path '\(path)' (found no other map keys)"
            }
            // Go sorts with sort.Strings: byte order.
            let sorted = siblings.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            return "Expected to find a map key '\(key)' for path '\(path)' (found map keys: '" + sorted.joined(separator: "', '") + "')"
        case let .missingIndex(index, count, path):
            return "Expected to find array index '\(index)' but found array of length '\(count)' for path '\(path)'"
        case let .multipleMatching(path, count):
            return "Expected to find exactly one matching array item for path '\(path)' but found \(count)"
        case let .unexpectedToken(token, path):
            return "Expected to not find token '\(token.goTypeName)' at path '\(path)'"
        case .message(let text):
            return text
        }
    }
}
