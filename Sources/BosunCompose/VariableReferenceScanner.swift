/// Finds `((name))` references exactly like bosh-cli's
/// `\(\( ?(!?[-/\.\w\pL]+) ?\)\)` regular expression: one optional space
/// inside each pair of parentheses, an optional leading `!`, and a name of
/// ASCII word characters, `-`, `/`, `.` and Unicode letters.
enum VariableReferenceScanner {
    /// Referenced names in order of appearance (duplicates kept), `!` stripped.
    static func names(in text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var names: [String] = []
        var position = 0
        while position < scalars.count {
            if let match = match(scalars, at: position) {
                names.append(match.name)
                position = match.end
            } else {
                position += 1
            }
        }
        return names
    }

    /// Whether the whole text is a single reference (bosh-cli's anchored regex),
    /// in which case the variable's value replaces it with its own type.
    static func isWholeReference(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        return match(scalars, at: 0)?.end == scalars.count
    }

    /// The regex has no useful backtracking (spaces, `!` and `)` are not name
    /// characters), so a single greedy pass decides each position.
    private static func match(_ scalars: [Unicode.Scalar], at start: Int) -> (end: Int, name: String)? {
        var i = start
        guard i + 1 < scalars.count, scalars[i] == "(", scalars[i + 1] == "(" else { return nil }
        i += 2
        if i < scalars.count && scalars[i] == " " { i += 1 }
        if i < scalars.count && scalars[i] == "!" { i += 1 }
        let nameStart = i
        while i < scalars.count && isNameCharacter(scalars[i]) { i += 1 }
        guard i > nameStart else { return nil }
        let name = String(String.UnicodeScalarView(scalars[nameStart..<i]))
        if i < scalars.count && scalars[i] == " " { i += 1 }
        guard i + 1 < scalars.count, scalars[i] == ")", scalars[i + 1] == ")" else { return nil }
        return (i + 2, name)
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "-", "/", ".", "_", "0"..."9", "a"..."z", "A"..."Z":
            return true
        default:
            return YAMLKeyOrder.isLetter(scalar)  // Go's \pL
        }
    }
}
