import ArgumentParser
import BosunModel
import BosunSim
import BosunStore
import Foundation

/// `bosun disks orphaned` / `bosun disks delete ID`: retained disks.
struct DisksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disks", abstract: "List or remove disks kept as orphans.",
        subcommands: [Orphaned.self, Delete.self])

    struct Orphaned: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List orphaned disks with their age.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() throws {
            let store = try global.openStore(create: false)
            let disks = try store.orphanedDisks()
            if json { try Output.json(disks); return }
            if disks.isEmpty { print("no orphaned disks"); return }
            Output.table(
                ["DISK", "CLUSTER", "SIZE", "TYPE", "ORPHANED", "AGE"],
                disks.map { [$0.disk, $0.cluster, "\($0.sizeMib) MiB", $0.type ?? "-", $0.orphanedAt, ageText(seconds: $0.ageDays * 86_400)] })
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an orphaned disk at the provider (its data is gone).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var providers: ProviderOptions
        @Argument(help: "The orphaned disk's id.") var id: String

        func run() async throws {
            let store = try global.openStore()
            guard try store.orphanedDisks().contains(where: { $0.disk == id }) else {
                Output.error("no orphaned disk '\(id)' (see `bosun disks orphaned`); attached disks are never deleted this way")
                throw ExitCode.failure
            }
            do {
                let sim = try SimCloud(path: providers.simPath(stateDatabase: global.databasePath))
                defer { try? sim.close() }
                try await sim.deleteDisk(id: id)
                try store.markDiskDeleted(id)
            } catch {
                Output.error("\(error)")
                throw ExitCode.failure
            }
            print("deleted \(id)")
        }
    }
}
