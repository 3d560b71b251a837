/// One problem found in a spec file, located precisely enough for an editor to jump to it.
///
/// Rendered as `file:line:column: field.path: message` (the format of `bosun validate`).
public struct SpecIssue: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The spec file, as given (relative or absolute).
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column, counted in Unicode scalars.
    public var column: Int
    /// Field path such as `groups[1].disk.size`, or `(file)` / `(yaml)` / `(root)` for problems
    /// with the file itself, its YAML syntax, or the document as a whole.
    public var path: String
    /// What is wrong and, where it helps, what would be right.
    public var message: String

    /// `path` and `message` are made safe here, where every issue is built: control characters
    /// escaped and length capped (`SpecExcerpt`), so no message carries more of a file than a
    /// short excerpt, whatever code built it.
    public init(file: String, line: Int, column: Int, path: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = SpecExcerpt.path(path)
        self.message = SpecExcerpt.message(message)
    }

    /// The file name is escaped too: a file may be named with an escape sequence.
    public var description: String { "\(SpecExcerpt.escaped(file)):\(line):\(column): \(path): \(message)" }
}

/// Why a spec file was not accepted: every problem found in it, in file order.
public struct SpecRejection: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public var issues: [SpecIssue]

    public init(issues: [SpecIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
