/// A go-patch path such as `/instance_groups/name=web/jobs/-`.
///
/// Parsing and printing follow go-patch's `NewPointerFromString` and
/// `Pointer.String`: `~0` is `~`, `~1` is `/`, `~7` is `:`; a `?` suffix makes
/// that token and every later one optional; the empty string is the whole
/// document.
public struct Pointer: Sendable, Hashable, CustomStringConvertible {
    /// The tokens after the (implicit) root; empty means the whole document.
    public let tokens: [PointerToken]

    /// Builds a pointer from tokens; no validation happens (as with go-patch's `NewPointer`).
    public init(tokens: [PointerToken]) {
        self.tokens = tokens
    }

    /// Parses go-patch pointer syntax.
    ///
    /// Throws ``GoPatchError`` (kind ``GoPatchError/Kind/invalidPointer``) with
    /// go-patch's message, e.g. `Expected to start with '/'`.
    public init(_ string: String) throws(GoPatchError) {
        if string.isEmpty {
            self.init(tokens: [])
            return
        }
        guard string.unicodeScalars.first == "/" else {
            throw GoPatchError(kind: .invalidPointer, reason: "Expected to start with '/'")
        }
        // Split on scalars, not Characters: Go splits bytes, and a combining
        // mark after `/` must not hide the separator.
        let pieces = Self.split(string, on: "/").dropFirst()
        var tokens: [PointerToken] = []
        // Once a `?` is seen, everything after it is optional too.
        var optional = false
        for (offset, rawPiece) in pieces.enumerated() {
            let isLast = offset == pieces.count - 1
            let parts = Self.split(rawPiece, on: ":")
            var modifiers: [PointerModifier] = []
            for part in parts.dropFirst() {
                guard let modifier = PointerModifier(rawValue: part) else {
                    // go-patch reports the first modifier here even when a later one is the unknown one.
                    throw GoPatchError(kind: .invalidPointer, reason: "Expected to find one of the following modifiers: 'prev', 'next', 'before', or 'after' but found '\(parts[1])'")
                }
                modifiers.append(modifier)
            }
            let piece = Self.unescape(parts[0])

            if isLast && piece == "-" {
                guard modifiers.isEmpty else {
                    throw GoPatchError(kind: .invalidPointer, reason: "Expected not to find any modifiers with after last index token")
                }
                tokens.append(.afterLastIndex)
                continue
            }
            if let index = Self.goAtoi(piece) {
                tokens.append(.index(index, modifiers: modifiers))
                continue
            }
            if piece.hasSuffix("?") { optional = true }
            if let equals = piece.unicodeScalars.firstIndex(of: "=") {
                let key = String(piece.unicodeScalars[..<equals])
                var value = String(piece.unicodeScalars[piece.unicodeScalars.index(after: equals)...])
                if value.hasSuffix("?") { value.removeLast() }
                tokens.append(.matching(key: key, value: value, optional: optional, modifiers: modifiers))
                continue
            }
            guard modifiers.isEmpty else {
                throw GoPatchError(kind: .invalidPointer, reason: "Expected not to find any modifiers with key token")
            }
            var key = piece
            if key.hasSuffix("?") { key.removeLast() }
            tokens.append(.key(key, optional: optional))
        }
        self.init(tokens: tokens)
    }

    /// go-patch's canonical text; `?` is printed once, on the first optional token.
    public var description: String {
        var pieces = [""]
        var optionalPrinted = false
        for token in tokens {
            switch token {
            case let .index(index, modifiers):
                pieces.append("\(index)" + Self.modifierText(modifiers))
            case .afterLastIndex:
                pieces.append("-")
            case let .matching(key, value, optional, modifiers):
                var valueText = Self.escape(value)
                if optional && !optionalPrinted {
                    valueText += "?"
                    optionalPrinted = true
                }
                pieces.append(Self.escape(key) + "=" + valueText + Self.modifierText(modifiers))
            case let .key(key, optional):
                var text = Self.escape(key)
                if optional && !optionalPrinted {
                    text += "?"
                    optionalPrinted = true
                }
                pieces.append(text)
            }
        }
        return pieces.joined(separator: "/")
    }

    /// The pointer made of this pointer's first `count` tokens (go-patch's `tokens[:i+2]`).
    func prefix(_ count: Int) -> Pointer {
        Pointer(tokens: Array(tokens.prefix(count)))
    }

    private static func modifierText(_ modifiers: [PointerModifier]) -> String {
        modifiers.map { ":" + $0.rawValue }.joined()
    }

    private static func split(_ text: String, on separator: Unicode.Scalar) -> [String] {
        text.unicodeScalars.split(separator: separator, omittingEmptySubsequences: false).map { String($0) }
    }

    /// Single left-to-right pass, like Go's `strings.NewReplacer`, so `~01` is `~1` and not `/`.
    private static func unescape(_ text: String) -> String {
        guard text.unicodeScalars.contains("~") else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            if scalars[i] == "~", i + 1 < scalars.count, let replacement = Self.escapes[scalars[i + 1]] {
                out.append(replacement)
                i += 2
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return String(out)
    }

    private static let escapes: [Unicode.Scalar: Unicode.Scalar] = ["0": "~", "1": "/", "7": ":"]

    private static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "~": out += "~0"
            case "/": out += "~1"
            case ":": out += "~7"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Go's `strconv.Atoi`: optional sign then ASCII digits, in range.
    private static func goAtoi(_ text: String) -> Int? {
        let digits = text.first == "+" || text.first == "-" ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}
