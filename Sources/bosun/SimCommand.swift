import ArgumentParser

/// `bosun sim …`: the simulated cloud, for demos and tests.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Inspect and break the simulated cloud.",
        discussion: """
            The sim state is a SQLite file shared by every process that opens it: --sim-state PATH, else \
            BOSUN_SIM_STATE, else bosun-sim.db beside the state database (--db). What you break here, a \
            running `bosun run` sees on its next call.
            """,
        subcommands: [
            SimVMsCommand.self, SimDisksCommand.self, SimLBsCommand.self, SimKillCommand.self, SimStopCommand.self, SimStartCommand.self,
            SimDetachCommand.self, SimDeregisterCommand.self, SimFailJobCommand.self, SimSilenceCommand.self,
            SimRogueCommand.self, SimFaultsCommand.self, SimCallsCommand.self, SimResetCommand.self, SimCreateVMCommand.self,
            SimNodeCommand.self,
        ])
}
