/// A go-patch failure: a bad pointer, an invalid ops file, or an operation that
/// could not be applied.
///
/// ``description`` is exactly what go-patch's `error.Error()` returns,
/// including the `Error '<description>': ` wrapper for ops that carry an
/// `error:` description (bosh-cli's `operation [N] in FILE failed`). The
/// unwrapped cause is in ``reason``.
public struct GoPatchError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Which stage failed.
    public enum Kind: Sendable, Equatable {
        /// A pointer string could not be parsed.
        case invalidPointer
        /// An ops file was not valid YAML (see ``line`` / ``column``).
        case yamlSyntax
        /// An ops file decoded, but into the wrong shapes (yaml.v2 "cannot unmarshal" errors).
        case invalidOpsFileStructure
        /// An op definition failed go-patch validation (unknown type, missing path, ...).
        case invalidOpDefinition
        /// An op failed while being applied to a document.
        case applyFailed
    }

    /// The stage that failed.
    public let kind: Kind
    /// The full go-patch message.
    public let message: String
    /// The innermost cause, without `Error '...'` or bosh-cli wrappers.
    public let reason: String
    /// Zero-based position of the failing op within its ops file (or op list).
    public let opIndex: Int?
    /// 1-based source line of the failing op (or of the YAML problem), when known.
    public let line: Int?
    /// 1-based source column of a YAML problem, when known.
    public let column: Int?

    /// The same text as ``message``.
    public var description: String { message }

    init(kind: Kind, reason: String, message: String? = nil, opIndex: Int? = nil, line: Int? = nil, column: Int? = nil) {
        self.kind = kind
        self.reason = reason
        self.message = message ?? reason
        self.opIndex = opIndex
        self.line = line
        self.column = column
    }

    /// The same error with an outer `prefix: ` added to its message, as bosh-cli's
    /// `bosherr.WrapErrorf` does.
    func wrapped(_ prefix: String) -> GoPatchError {
        GoPatchError(kind: kind, reason: reason, message: prefix + ": " + message,
                     opIndex: opIndex, line: line, column: column)
    }
}
