/// Renders values the way the Go reference implementations print them, so
/// error strings and emitted scalars match go-patch / bosh-cli byte for byte.
enum GoFormat {
    /// Go's `%T` for a value decoded by yaml.v2 into `interface{}`.
    static func typeName(_ value: YAMLValue) -> String {
        switch value {
        case .null: return "<nil>"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float64"
        case .string: return "string"
        case .array: return "[]interface {}"
        case .mapping: return "map[interface {}]interface {}"
        }
    }

    /// Go's `%v` for a value decoded by yaml.v2 into `interface{}`
    /// (maps print with keys sorted, as `fmt` does).
    static func value(_ value: YAMLValue) -> String {
        switch value {
        case .null: return "<nil>"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return float(number)
        case .string(let text): return text
        case .array(let items): return "[" + items.map { self.value($0) }.joined(separator: " ") + "]"
        case .mapping(let pairs):
            let sorted = pairs.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            return "map[" + sorted.map { "\($0.key):\(self.value($0.value))" }.joined(separator: " ") + "]"
        }
    }

    /// Go's `strconv.FormatFloat(f, 'g', -1, 64)` (also what `%v` prints):
    /// shortest round-trip digits, switching to exponent form (`1e+06`) when the
    /// decimal exponent is below -4 or at least 6.
    static func float(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Inf" : "+Inf" }
        let sign = number.sign == .minus ? "-" : ""
        if number == 0 { return sign + "0" }
        let (digits, pointPosition) = shortestDigits(abs(number))
        let exponent = pointPosition - 1
        // Go's shortest %g uses precision 6 when deciding between %e and %f.
        if exponent < -4 || exponent >= 6 {
            var mantissa = String(digits.first!)
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let magnitude = abs(exponent)
            let exponentDigits = magnitude < 10 ? "0\(magnitude)" : String(magnitude)
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exponentDigits
        }
        if pointPosition <= 0 {
            return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
        }
        if pointPosition >= digits.count {
            return sign + digits + String(repeating: "0", count: pointPosition - digits.count)
        }
        let split = digits.index(digits.startIndex, offsetBy: pointPosition)
        return sign + digits[..<split] + "." + digits[split...]
    }

    /// Shortest round-trip decimal digits (no leading/trailing zeros) and the
    /// position of the decimal point relative to them, derived from Swift's
    /// own shortest representation so no float parsing code is duplicated.
    private static func shortestDigits(_ number: Double) -> (String, Int) {
        let text = number.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        let integerPart: Substring
        let fractionPart: Substring
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = mantissa[..<dot]
            fractionPart = mantissa[mantissa.index(after: dot)...]
        } else {
            integerPart = mantissa
            fractionPart = ""
        }
        var digits = Array(integerPart + fractionPart)
        var pointPosition = integerPart.count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        return (String(digits), pointPosition)
    }

    /// A JSON string literal as Go's `encoding/json` writes it (HTML-escaping on),
    /// after go-patch's own replacer has turned `\u003c`/`\u003e` back into `<`/`>`.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
