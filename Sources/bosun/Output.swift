import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Everything the CLI prints for humans goes through here: tables, colour (only on a TTY and
/// never with NO_COLOR), JSON documents, and errors on stderr.
enum Output {
    static var colorEnabled: Bool {
        isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    static var isTTY: Bool { isatty(STDOUT_FILENO) == 1 }

    enum Color: String {
        case red = "31", green = "32", yellow = "33", dim = "2", bold = "1"
    }

    static func paint(_ text: String, _ color: Color) -> String {
        colorEnabled ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    /// Prints one JSON document (snake_case keys, like the SQL views).
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        print(String(decoding: try encoder.encode(AllFields(value: value)), as: UTF8.self))
    }

    /// One JSON object on one line (JSON Lines, for streams), keys as in `json(_:)`.
    static func jsonLine<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(AllFields(value: value)), as: UTF8.self)
    }

    /// Left-aligned columns separated by two spaces; `paint` may colour a cell by its content.
    static func table(_ header: [String], _ rows: [[String]], paint: ((Int, String) -> Color?)? = nil) {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String], painted: Bool) -> String {
            cells.enumerated().map { i, cell in
                let padded = i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                guard painted, let color = paint?(i, cell) else { return padded }
                return Self.paint(padded, color)
            }.joined(separator: "  ")
        }
        print(Self.paint(line(header, painted: false), .bold))
        for row in rows { print(line(row, painted: true)) }
    }

    /// Colour for a phase, lifecycle, state or health word.
    static func color(of word: String) -> Color? {
        switch word {
        case "converged", "active", "running", "healthy": .green
        case "failed", "meltdown", "unhealthy", "deleting", "disk-lost", "missing", "stopped", "drifted": .red
        case "pending", "reconciling", "orphaned", "unknown", "pending-deletion", "held", "waiting": .yellow
        default: nil
        }
    }

    static func state(_ word: String) -> String { color(of: word).map { paint(word, $0) } ?? word }
}
