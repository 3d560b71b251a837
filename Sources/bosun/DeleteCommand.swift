import ArgumentParser
import BosunController
import BosunStore
import Foundation

/// `bosun delete CLUSTER`: ordered teardown (asks unless `--yes`).
struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Tear a cluster down in order: deregister, workers, then masters; disks are kept as orphans.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var execution: ExecutionOptions

    @OptionGroup var lock: LockOptions

    @Option(help: "Progress: auto (a live line on a terminal, plain lines otherwise), plain (lines only) or none.")
    var progress: ProgressMode = .auto

    @OptionGroup var providers: ProviderOptions

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    @Argument(help: "The cluster to delete.")
    var cluster: String

    func run() async throws {
        let reporter = progress.reporter(json: false)
        global.bootstrapLogging(terminal: reporter?.terminal)
        if !yes {
            guard Output.isTTY, isatty(STDIN_FILENO) == 1 else {
                Output.error("refusing to delete '\(cluster)' without confirmation; pass --yes")
                throw ExitCode.failure
            }
            Swift.print("Delete cluster '\(cluster)'? Every VM goes; disks are kept as orphans. Type the cluster name: ", terminator: "")
            guard readLine()?.trimmingCharacters(in: .whitespaces) == cluster else {
                Output.error("not confirmed; nothing changed")
                throw ExitCode.failure
            }
        }
        let factory = try ControllerFactory(
            global: global, execution: execution, providers: providers, role: "delete", progress: reporter?.progress.sink ?? ProgressSink())
        defer { factory.close() }
        do {
            try factory.store.requestDeletion(cluster: cluster)
        } catch {
            Output.error("\(error)")
            throw ExitCode.failure
        }
        let outcomes = await ApplyDriver(factory: factory, maxPasses: 20, lockTimeout: lock.timeout, progress: reporter?.progress).run([cluster])
        ApplyDriver.printSummary(outcomes)
        if outcomes.contains(where: { $0.result != "converged" }) { throw ExitCode.failure }
    }
}
