import ArgumentParser
import BosunStore
import Foundation

/// `bosun heal resume CLUSTER`: heal once despite a meltdown.
struct HealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heal", abstract: "Control healing.", subcommands: [Resume.self])

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Leave meltdown: the cluster's next pass heals once despite it.",
            discussion: "`bosun run` picks it up within its drift interval; `bosun apply CLUSTER` runs the pass now.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The cluster.") var cluster: String

        func run() throws {
            let store = try global.openStore(create: false)
            do {
                try store.requestHealOverride(cluster: cluster)
            } catch let error as StoreError {
                Output.error("\(error)")
                throw ExitCode.failure
            }
            print("\(cluster): the next pass heals despite the meltdown (bosun run picks it up; or run `bosun apply \(cluster)`)")
        }
    }
}
