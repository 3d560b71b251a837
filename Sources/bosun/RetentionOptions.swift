import ArgumentParser
import BosunStore

/// How much history `run` (periodically) and `apply` (at the end) keep; see
/// `RetentionPolicy`. Only finished journal rows and events are pruned, never what crash
/// recovery or recognising Bosun's own VMs needs.
struct RetentionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Keep finished actions and events this long (30m, 12h, 7d).", valueName: "duration"))
    var retain: RetainDuration = RetainDuration(days: 7)

    @Option(parsing: .unconditional, help: "Newest finished actions kept per cluster, whatever their age.")
    var retainActions: Int = RetentionPolicy.standard.actionsPerCluster

    @Option(parsing: .unconditional, help: "Newest events kept per cluster, whatever their age.")
    var retainEvents: Int = RetentionPolicy.standard.eventsPerCluster

    func validate() throws {
        guard (1...10_000_000).contains(retainActions) else { throw ValidationError("--retain-actions must be from 1 to 10000000") }
        guard (1...10_000_000).contains(retainEvents) else { throw ValidationError("--retain-events must be from 1 to 10000000") }
    }

    var policy: RetentionPolicy {
        RetentionPolicy(maxAge: retain.duration, actionsPerCluster: retainActions, eventsPerCluster: retainEvents)
    }
}

/// A retention period: `90s`, `30m`, `12h` or `7d` (at least a minute, at most ten years).
struct RetainDuration: ExpressibleByArgument, Sendable {
    var duration: Duration

    init(days: Int) { duration = .seconds(days * 86_400) }

    init?(argument: String) {
        let units: [(String, Double)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        guard let (suffix, scale) = units.first(where: { argument.hasSuffix($0.0) }),
            let value = Double(argument.dropLast(suffix.count)), value.isFinite,
            // Under a minute would prune the history of the pass that just ran.
            (60...86_400 * 3650).contains(value * scale)
        else { return nil }
        duration = .seconds(Int64(value * scale))
    }

    var defaultValueDescription: String {
        let s = duration.components.seconds
        return s % 86_400 == 0 ? "\(s / 86_400)d" : s % 3600 == 0 ? "\(s / 3600)h" : "\(s)s"
    }
}
