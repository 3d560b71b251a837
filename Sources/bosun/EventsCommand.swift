import ArgumentParser
import BosunStore
import Foundation
import UnixSignals

/// `bosun events [CLUSTER] [--follow]`: what happened, oldest first; with `--follow`, then what
/// happens, as it is recorded, until SIGINT or SIGTERM.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Show what happened: specs accepted/rejected, actions, drift, healing, meltdown.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print one JSON document (with --follow: one JSON object per line).")
    var json = false

    @Option(parsing: .unconditional, help: "Show at most this many of the newest events.")
    var limit: Int = 50

    @Flag(name: [.short, .long], help: "Keep printing new events as they are recorded, until interrupted (exit 0).")
    var follow = false

    @Argument(help: "Show only this cluster's events.")
    var cluster: String?

    func validate() throws {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 100000") }
    }

    func run() async throws {
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
        if follow {
            try await self.follow(store, from: events)
            return
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
            ["TIME", "CLUSTER", "INSTANCE", "KIND", "MESSAGE"],
            events.map { [$0.at, $0.cluster ?? "-", $0.instance ?? "-", $0.kind, $0.message] },
            paint: { column, cell in
                column == 3 && (cell.hasSuffix("rejected") || cell.hasSuffix("failed")) ? .red : nil
            })
    }

    /// Prints `first`, then every newer event every 250 ms, one line each and flushed, so a
    /// pipe sees them at once; returns on SIGINT or SIGTERM.
    private func follow(_ store: Store, from first: [EventRow]) async throws {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let start = try first.last?.id ?? (store.events(cluster: nil, limit: 1).last?.id ?? 0)
        try emit(first)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var iterator = signals.makeAsyncIterator()
                _ = await iterator.next()
            }
            group.addTask {
                var last = start
                while !Task.isCancelled {
                    do {
                        var batch: [EventRow]
                        repeat {
                            batch = try store.events(after: last, cluster: cluster, limit: 1000)
                            try emit(batch)
                            last = batch.last?.id ?? last
                        } while batch.count == 1000
                    } catch {
                        Output.error("\(error)")
                    }
                    try? await Task.sleep(for: .milliseconds(250))
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func emit(_ events: [EventRow]) throws {
        guard !events.isEmpty else { return }
        for event in events {
            if json {
                print(try Output.jsonLine(event))
            } else {
                let kind = event.kind.hasSuffix("rejected") || event.kind.hasSuffix("failed") ? Output.paint(event.kind, .red) : event.kind
                print("\(event.at)  \(event.cluster ?? "-")  \(event.instance ?? "-")  \(kind)  \(event.message)")
            }
        }
        fflush(nil)  // every stream: a pipe must see each event as it comes
    }
}
