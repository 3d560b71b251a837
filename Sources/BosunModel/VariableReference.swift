/// One `((name))` or `((name.key))` occurrence in a property string.
public struct VariableReference: Hashable, Sendable {
    /// The text between the parentheses.
    public var body: String
    /// Whether the reference is the whole string (then it keeps the referenced value's type).
    public var whole: Bool
    /// Where it sits in the string it was found in.
    public var range: Range<String.Index>

    /// The variable name: the body up to the first `.`.
    public var name: Substring { body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first ?? Substring(body) }
    /// The key after the first `.`, if any.
    public var key: Substring? { body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().first }

    /// The references in `text`, in order. A `((` with no closing `))` is plain text.
    public static func all(in text: String) -> [VariableReference] {
        guard text.contains("((") else { return [] }
        var out: [VariableReference] = []
        var from = text.startIndex
        while let open = find("((", in: text, from: from), let close = find("))", in: text, from: open.upperBound) {
            let whole = open.lowerBound == text.startIndex && close.upperBound == text.endIndex
            out.append(VariableReference(body: String(text[open.upperBound..<close.lowerBound]), whole: whole, range: open.lowerBound..<close.upperBound))
            from = close.upperBound
        }
        return out
    }

    /// The first `pair` (two ASCII characters) in `text` at or after `start`.
    private static func find(_ pair: String, in text: String, from start: String.Index) -> Range<String.Index>? {
        let target = Array(pair.utf8)
        let utf8 = text.utf8
        var i = start
        while i < utf8.endIndex {
            let next = utf8.index(after: i)
            if utf8[i] == target[0], next < utf8.endIndex, utf8[next] == target[1] { return i..<utf8.index(after: next) }
            i = next
        }
        return nil
    }
}
