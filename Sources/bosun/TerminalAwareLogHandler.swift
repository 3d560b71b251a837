import Logging

/// Writes log lines around `bosun apply`'s live status line (`TerminalLine.around`), so that a
/// log line never lands glued onto it.
struct TerminalAwareLogHandler: WrappingLogHandler {
    var inner: any LogHandler
    let terminal: TerminalLine

    func log(event: LogEvent) {
        terminal.around { inner.log(event: event) }
    }
}
