import Foundation
import Logging

/// One JSON object per log line on stderr, for log shippers.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: Any] = [
            "time": ISO8601DateFormatter().string(from: Date()),
            "level": event.level.rawValue,
            "logger": label,
            "message": "\(event.message)",
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, new in new }) {
            object[key] = Self.value("\(value)", key: key)
        }
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        data.append(0x0A)
        FileHandle.standardError.write(data)
    }

    /// Keys whose values are names or ids, strings even when they look like numbers (a cluster
    /// may be called `123`).
    static let identities: Set<String> = ["cluster", "instance", "name", "path", "file", "plan", "holder", "vm", "disk", "id", "key", "lb", "owner", "signal", "provider"]

    /// A count, a duration in seconds or a generation as a JSON number; anything else as the
    /// string it is.
    static func value(_ text: String, key: String) -> Any {
        guard !identities.contains(key), text.range(of: #"^-?(0|[1-9][0-9]{0,17})(\.[0-9]+)?$"#, options: .regularExpression) != nil else { return text }
        if let int = Int(text) { return int }
        return Double(text) ?? text
    }
}
