import ArgumentParser
import BosunSim

/// Where commands that talk to providers find them. Today: the sim's state file.
struct ProviderOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Sim state file (env BOSUN_SIM_STATE; default bosun-sim.db beside the state database).", valueName: "path"))
    var simState: String?

    @OptionGroup var local: LocalOptions

    func simPath(stateDatabase: String) -> String {
        simState ?? SimCloud.defaultPath(stateDatabase: stateDatabase)
    }
}
