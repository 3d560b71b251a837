import ArgumentParser
import BosunProvider
import BosunSim
import Foundation

/// Options every `bosun sim` subcommand takes: the global ones plus where the sim state is.
struct SimOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions

    /// `--sim-state`, as every other command spells it; `--state` is the old spelling, kept.
    @Option(
        name: [.customLong("sim-state"), .customLong("state")],
        help: ArgumentHelp("Sim state file (env BOSUN_SIM_STATE; default: bosun-sim.db beside the state database).", valueName: "path"))
    var state: String?

    var statePath: String { state ?? SimCloud.defaultPath(stateDatabase: global.databasePath) }

    /// Opens the sim, runs `body` and closes it. A `ProviderError` (from opening or from `body`)
    /// goes to stderr and the command exits 1. Listing commands pass `create: false`, so they
    /// never create a sim state where there is none.
    func withCloud<T>(create: Bool = true, _ body: (SimCloud) async throws -> T) async throws -> T {
        do {
            let cloud = try SimCloud(path: statePath, create: create)
            defer { try? cloud.close() }
            return try await body(cloud)
        } catch let error as ProviderError {
            // The sim's own words; its codes (NotFound, NoSimState, …) are for programs.
            Output.error(error.message + (error.isRetryable ? " (temporary: trying again may help)" : ""))
            throw ExitCode.failure
        }
    }
}
