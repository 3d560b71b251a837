import ArgumentParser
import Foundation

/// How ingestion treats missing and changing files (`spec-format.md`): the deletion grace of a
/// missing file and how long a changed file must stay still before it is read. Taken by every
/// command that ingests (`run`, `plan`, `apply`).
struct IngestOptions: ParsableArguments {
    @Option(
        name: .customLong("deletion-grace"),
        help: ArgumentHelp(
            "How long a 'deletion: delete' cluster's file must stay missing before teardown (env BOSUN_DELETION_GRACE).",
            valueName: "duration"))
    var deletionGrace: SettleDuration?

    @Option(
        help: ArgumentHelp(
            "How long a changed file must stay unchanged before it is read, when it was not seen closed (env BOSUN_SETTLE; 0s reads at once).",
            valueName: "duration"))
    var settle: SettleDuration?

    /// The deletion grace in seconds (default 10 minutes).
    var grace: TimeInterval {
        deletionGrace?.seconds ?? Self.environment("BOSUN_DELETION_GRACE") ?? 600
    }

    /// The settle time in seconds (default 2).
    var settleSeconds: TimeInterval {
        settle?.seconds ?? Self.environment("BOSUN_SETTLE") ?? 2
    }

    /// How long `plan` and `apply` wait for files still being written before acting without
    /// them: long enough for a slow writer, short enough not to hang a script.
    var maxSettleWait: Duration {
        .milliseconds(Int64(max(10, settleSeconds * 5) * 1000))
    }

    private static func environment(_ name: String) -> TimeInterval? {
        ProcessInfo.processInfo.environment[name].flatMap { SettleDuration(argument: $0)?.seconds }
    }

    func validate() throws {
        for name in ["BOSUN_DELETION_GRACE", "BOSUN_SETTLE"] {
            if let value = ProcessInfo.processInfo.environment[name], !value.isEmpty, SettleDuration(argument: value) == nil {
                throw ValidationError("\(name)=\(value.debugDescription) is not a duration such as 500ms, 2s, 10m or 1h")
            }
        }
    }
}

/// A duration that may be zero: `0s`, `500ms`, `2s`, `10m`, `1h` (at most 7 days).
struct SettleDuration: ExpressibleByArgument, Sendable {
    var seconds: TimeInterval

    init?(argument: String) {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        guard let (suffix, scale) = units.first(where: { argument.hasSuffix($0.0) }),
            let value = Double(argument.dropLast(suffix.count)), value >= 0, value.isFinite, value * scale <= 86_400 * 7
        else { return nil }
        seconds = value * scale
    }
}
