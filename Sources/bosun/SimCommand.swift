import ArgumentParser

/// `bosun sim …`: the simulated cloud, for demos and tests.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Inspect and break the simulated cloud.")
}
