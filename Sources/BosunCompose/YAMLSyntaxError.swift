import Yams

/// A YAML text could not be parsed. `line` and `column` are 1-based positions
/// of the problem (0 when the parser reported none).
public struct YAMLSyntaxError: Error, CustomStringConvertible, Sendable, Equatable {
    /// 1-based line of the problem.
    public let line: Int
    /// 1-based column of the problem (counted in Unicode scalars).
    public let column: Int
    /// The parser's explanation without the position prefix.
    public let message: String

    /// An error at `line`:`column`.
    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// `line:column: message`, the conventional compiler-style rendering.
    public var description: String { "\(line):\(column): \(message)" }

    /// Maps a Yams failure onto a position-carrying error.
    init(_ error: any Error) {
        guard let yamsError = error as? YamlError else {
            self.init(line: 0, column: 0, message: String(describing: error))
            return
        }
        switch yamsError {
        case let .scanner(context, problem, mark, _),
             let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let prefix = context.map { "\($0.text) (line \($0.mark.line), column \($0.mark.column)): " } ?? ""
            self.init(line: mark.line, column: mark.column, message: prefix + problem)
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            self.init(line: context.mark.line, column: context.mark.column,
                      message: "duplicated mapping key(s): \(keys)")
        case let .reader(problem, offset, _, yaml):
            let (line, column) = Self.position(ofCharacterOffset: offset ?? 0, in: yaml)
            self.init(line: line, column: column, message: problem)
        default:
            self.init(line: 0, column: 0, message: String(describing: yamsError))
        }
    }

    private static func position(ofCharacterOffset offset: Int, in text: String) -> (Int, Int) {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
