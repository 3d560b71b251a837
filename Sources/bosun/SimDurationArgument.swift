import ArgumentParser

/// A duration for `bosun sim faults`: `DurationOption`'s `250ms`, `1s`, `5m`, plus zero
/// (`0`, `0ms`), which turns a latency off.
struct SimDurationArgument: ExpressibleByArgument, Sendable {
    var duration: Duration

    init?(argument: String) {
        let number = ["ms", "s", "m", "h"].first { argument.hasSuffix($0) }.map { String(argument.dropLast($0.count)) } ?? argument
        if Double(number) == 0 {
            duration = .zero
        } else if let parsed = DurationOption(argument: argument) {
            duration = parsed.duration
        } else {
            return nil
        }
    }

    /// `0`, `250ms`, `1.5ms`, `2s`: how durations are shown back to the operator.
    static func format(_ duration: Duration) -> String {
        let ms = duration.seconds * 1000
        if ms == 0 { return "0" }
        if ms >= 1000, ms.truncatingRemainder(dividingBy: 1000) == 0 { return "\(Int(ms / 1000))s" }
        return ms == ms.rounded() ? "\(Int(ms))ms" : "\(ms)ms"
    }
}
