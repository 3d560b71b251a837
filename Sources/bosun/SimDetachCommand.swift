import ArgumentParser

/// `bosun sim detach DISK`: the disk comes off its VM.
struct SimDetachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detach", abstract: "Detach a disk from its VM.")

    @OptionGroup var sim: SimOptions

    @Argument(help: "Disk id, e.g. disk-000001.")
    var disk: String

    func run() async throws {
        try await sim.withCloud { try await $0.console.detach(disk: disk) }
        print("detached \(disk)")
    }
}
