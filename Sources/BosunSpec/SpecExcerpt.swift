/// Short, inert excerpts of file content for messages. Spec files are untrusted: a key may hold
/// a whole line of someone else's file or a terminal escape sequence, and every message built
/// from one ends up in the database, events, logs and on a terminal. So content is only ever
/// quoted through here: control characters escaped (`\u{1b}`), keys cut at 64 characters and
/// whole messages at 400.
///
/// Every function is idempotent (escaping never produces a control character and a clipped
/// text is within the limit), so text read back from the database may pass through again.
public enum SpecExcerpt {
    /// Longest key kept in a field path or message, in Unicode scalars.
    public static let maxKey = 64
    /// Longest field path kept, in Unicode scalars.
    public static let maxPath = 256
    /// Longest message kept, in Unicode scalars.
    public static let maxMessage = 400

    /// `text` with every control character (C0, DEL, C1) written as `\u{…}`.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// `text` escaped and cut to at most `limit` scalars, the last one `…` when cut.
    public static func clipped(_ text: String, limit: Int) -> String {
        let safe = escaped(text)
        guard safe.unicodeScalars.count > limit else { return safe }
        var out = String.UnicodeScalarView(safe.unicodeScalars.prefix(max(0, limit - 1)))
        out.append("…")
        return String(out)
    }

    /// A mapping key as it may appear in a field path.
    public static func key(_ key: String) -> String { clipped(key, limit: maxKey) }

    /// A field path as stored and printed.
    public static func path(_ path: String) -> String { clipped(path, limit: maxPath) }

    /// A message as stored and printed.
    public static func message(_ message: String) -> String { clipped(message, limit: maxMessage) }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value)
    }
}
