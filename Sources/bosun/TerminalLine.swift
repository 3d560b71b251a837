import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The live status line at the bottom of a terminal. Lines printed above it and log lines (the
/// log handlers call `around`) clear it first and redraw it after, so that it never mixes with
/// them; it is cut to the terminal's width, read at every draw, so it never wraps into stacked
/// copies in a narrow pane.
final class TerminalLine: Sendable {
    private let shown = Mutex<String?>(nil)

    /// Replaces the status line.
    func set(_ line: String) {
        shown.withLock { current in
            current = line
            write("\r\u{1B}[2K" + Self.cut(line, to: Self.width()))
        }
    }

    /// Prints `text` as a line of its own above the status line.
    func printAbove(_ text: String) {
        shown.withLock { current in
            write("\r\u{1B}[2K" + text + "\n" + (current.map { Self.cut($0, to: Self.width()) } ?? ""))
        }
    }

    /// Runs `body` (which writes a log line) with the status line out of the way.
    func around(_ body: () -> Void) {
        shown.withLock { current in
            if current != nil { write("\r\u{1B}[2K") }
            body()
            if let current { write(Self.cut(current, to: Self.width())) }
        }
    }

    /// Removes the status line for good.
    func clear() {
        shown.withLock { current in
            if current != nil { write("\r\u{1B}[2K") }
            current = nil
        }
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// The terminal's width in columns (80 when it cannot be read).
    static func width() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    /// `line` cut to `width - 1` visible characters (escape sequences do not count), so the
    /// cursor never wraps.
    static func cut(_ line: String, to width: Int) -> String {
        var out = "", visible = 0, inEscape = false
        for ch in line {
            if ch == "\u{1B}" { inEscape = true }
            if inEscape {
                out.append(ch)
                if ch.isLetter { inEscape = false }
                continue
            }
            guard visible < max(1, width - 1) else { break }
            out.append(ch)
            visible += 1
        }
        return out + (line.contains("\u{1B}") ? "\u{1B}[0m" : "")
    }
}
