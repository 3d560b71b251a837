import ArgumentParser
import BosunStore
import Foundation

/// `bosun creds expiring [--within 30d]`: current certificates that expire soon.
struct CredsExpiringCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expiring", abstract: "List current certificates expiring within a window (default 30d); exit 1 if any.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Window: a whole number of days (30d), hours (12h) or minutes (90m).")
    var within: String = "30d"

    @Flag(help: "Print one JSON document.")
    var json = false

    /// Seconds in `30d`, `12h`, `90m`; nil if it is not such a duration.
    static func seconds(_ text: String) -> Int? {
        let units: [(String, Int)] = [("d", 86_400), ("h", 3600), ("m", 60)]
        guard let (suffix, scale) = units.first(where: { text.hasSuffix($0.0) }), let n = Int(text.dropLast(suffix.count)),
            (0...36_500 * 86_400 / scale).contains(n)
        else { return nil }
        return n * scale
    }

    func validate() throws {
        guard Self.seconds(within) != nil else { throw ValidationError("--within must be like 30d, 12h or 90m, got '\(within)'") }
    }

    func run() throws {
        let store = try global.openStore(create: false)
        let window = TimeInterval(Self.seconds(within) ?? 0)
        let cutoff = Store.databaseTime(Date().addingTimeInterval(window))
        let rows: [CredentialRow]
        do {
            rows = try store.credentialRows().filter { $0.notAfter.map { $0 <= cutoff } ?? false }
        } catch {
            Output.error("\(error)")
            throw ExitCode.failure
        }
        if json {
            try Output.json(rows)
        } else if rows.isEmpty {
            print("no certificate expires within \(within)")
        } else {
            Output.table(
                ["CLUSTER", "NAME", "VERSION", "NOT AFTER", "REFERENCED BY"],
                rows.map { [$0.cluster, $0.name, "\($0.version)", String(($0.notAfter ?? "-").prefix(19)), $0.referencedBy] })
        }
        if !rows.isEmpty { throw ExitCode.failure }
    }
}
