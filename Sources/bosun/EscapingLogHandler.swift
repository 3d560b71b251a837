import BosunSpec
import Logging

/// Wraps the text log handler so no log line can carry a control character: a spec file's
/// name (or anything else that reached a message or metadata) may hold a terminal escape
/// sequence, and text logs go straight to a terminal. JSON logs are escaped by JSON itself.
struct EscapingLogHandler: WrappingLogHandler {
    var inner: any LogHandler

    func log(event: LogEvent) {
        var safe = event
        safe.message = "\(SpecExcerpt.escaped(event.message.description))"
        safe.metadata = event.metadata?.mapValues(Self.escaped)
        inner.log(event: safe)
    }

    static func escaped(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(SpecExcerpt.escaped(text))
        case .stringConvertible(let item): .string(SpecExcerpt.escaped(item.description))
        case .array(let items): .array(items.map(escaped))
        case .dictionary(let items): .dictionary(items.mapValues(escaped))
        }
    }
}
