import ArgumentParser
import BosunStore
import Foundation

/// `bosun events [CLUSTER]`: what happened, oldest first.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Show what happened: specs accepted/rejected, actions, drift, healing, meltdown.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print one JSON document.")
    var json = false

    @Option(parsing: .unconditional, help: "Show at most this many of the newest events.")
    var limit: Int = 50

    @Argument(help: "Show only this cluster's events.")
    var cluster: String?

    func validate() throws {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 100000") }
    }

    func run() throws {
        let store = try global.openStore(create: false)
        let events: [EventRow]
        do {
            events = try store.events(cluster: cluster, limit: limit)
        } catch {
            Output.error("\(error)")
            throw ExitCode.failure
        }
        // Unknown names fail as in `status` and `drift`; a known cluster may have no events.
        if events.isEmpty, let cluster, (try? store.clusterStatuses(name: cluster).isEmpty) ?? true {
            Output.error("no cluster named '\(cluster)' (see `bosun status` for the list)")
            throw ExitCode.failure
        }
        if json {
            try Output.json(events)
            return
        }
        if events.isEmpty {
            print(cluster.map { "no events for \($0)" } ?? "no events")
            return
        }
        Output.table(
            ["TIME", "CLUSTER", "KIND", "MESSAGE"],
            events.map { [$0.at, $0.cluster ?? "-", $0.kind, $0.message] },
            paint: { column, cell in
                column == 2 && (cell.hasSuffix("rejected") || cell.hasSuffix("failed")) ? .red : nil
            })
    }
}
