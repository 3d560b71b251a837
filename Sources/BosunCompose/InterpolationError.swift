/// Interpolation failed: a variable lookup or sub-key walk failed, a value of
/// an unsupported type was spliced into a longer string, a variable
/// definition recursed, or (with `expectAllKeys`) variables were missing.
///
/// bosh-cli builds these errors as a tree of wrapped and grouped errors;
/// ``description`` is the tree's Go `Error()` text
/// (`Expected to find variables: a\nb`) and ``multilineDescription`` is how the
/// bosh CLI prints it (`- Expected to find variables:\n    - a\n    - b`).
public struct InterpolationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// One node of bosh-utils' error tree.
    public indirect enum Cause: Sendable, Equatable {
        /// A plain message (`bosherr.Error`).
        case message(String)
        /// `message: cause` (`bosherr.WrapError`).
        case wrapped(String, Cause)
        /// Sibling errors joined by newlines (`bosherr.MultiError`).
        case multiple([Cause])
    }

    /// The error tree as bosh-cli built it.
    public let cause: Cause
    /// Sorted names reported as missing (only with `expectAllKeys`).
    public let missingVariables: [String]
    /// Sorted names reported as unused (only with `expectAllVarsUsed`).
    public let unusedVariables: [String]

    init(_ cause: Cause, missingVariables: [String] = [], unusedVariables: [String] = []) {
        self.cause = cause
        self.missingVariables = missingVariables
        self.unusedVariables = unusedVariables
    }

    /// Go's `err.Error()` for the tree.
    public var description: String { Self.flat(cause) }

    /// bosh-cli's `ui/fmt.MultilineError` rendering, as the CLI prints it.
    public var multilineDescription: String { Self.multiline(cause, prefix: "", bullet: "") }

    /// The same error wrapped one level deeper (`bosherr.WrapError(err, message)`).
    func wrapped(_ message: String) -> InterpolationError {
        InterpolationError(.wrapped(message, cause), missingVariables: missingVariables, unusedVariables: unusedVariables)
    }

    private static func flat(_ cause: Cause) -> String {
        switch cause {
        case .message(let text): return text
        case let .wrapped(text, inner): return text + ": " + flat(inner)
        case .multiple(let causes): return causes.map(flat).joined(separator: "\n")
        }
    }

    private static func multiline(_ cause: Cause, prefix: String, bullet: String) -> String {
        let current = prefix + bullet
        let nested = prefix + String(repeating: " ", count: bullet.count)
        switch cause {
        case .message(let text):
            return current + text
        case let .wrapped(text, inner):
            return current + text + ":\n" + multiline(inner, prefix: nested + "  ", bullet: "")
        case .multiple(let causes):
            return causes.map { multiline($0, prefix: nested, bullet: "- ") }.joined(separator: "\n")
        }
    }
}
