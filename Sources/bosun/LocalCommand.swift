import ArgumentParser
import BosunLocal
import BosunProvider
import Foundation

/// `bosun local …`: the local provider's VMs, disks and load balancers, and a VM crash.
struct LocalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local", abstract: "Inspect and break the local provider (VMs as process trees on loopback).",
        subcommands: [LocalVMsCommand.self, LocalDisksCommand.self, LocalLBsCommand.self, LocalKillCommand.self])
}

/// Options of every `bosun local` subcommand.
struct LocalCommandOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @OptionGroup var local: LocalOptions

    func withCloud<T>(_ body: (LocalCloud) throws -> T) throws -> T {
        do {
            return try body(try local.cloud(stateDatabase: global.databasePath))
        } catch let error as ProviderError {
            Output.error(error.message)
            throw ExitCode.failure
        }
    }
}

struct LocalVMsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "vms", abstract: "List the local VMs: address, state, jobs and their health.")
    @OptionGroup var options: LocalCommandOptions
    @Flag(help: "Print one JSON document.") var json = false

    func run() throws {
        let vms = try options.withCloud { try $0.vms() }
        if json { return try Output.json(vms) }
        Output.table(
            ["VM", "CLUSTER", "INSTANCE", "ADDRESS", "STATE", "JOBS"],
            vms.map { [$0.id, $0.cluster, $0.instance, $0.address, $0.state, $0.jobs.map { "\($0.name)=\($0.state)" }.joined(separator: " ")] })
    }
}

struct LocalDisksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disks", abstract: "List the local disks (directories) and where they are attached.")
    @OptionGroup var options: LocalCommandOptions
    @Flag(help: "Print one JSON document.") var json = false

    func run() throws {
        let disks = try options.withCloud { try $0.disks() }
        if json { return try Output.json(disks) }
        Output.table(
            ["DISK", "CLUSTER", "INSTANCE", "SIZE", "ATTACHED TO"],
            disks.map { [$0.id, $0.cluster, $0.instanceID, "\($0.sizeMiB) MiB", $0.attachedTo ?? "-"] })
    }
}

struct LocalLBsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lbs", abstract: "List the local load balancers: listen address and members as haproxy sees them.")
    @OptionGroup var options: LocalCommandOptions
    @Flag(help: "Print one JSON document.") var json = false

    func run() throws {
        let lbs = try options.withCloud { try $0.loadBalancers() }
        if json { return try Output.json(lbs) }
        Output.table(
            ["LB", "CLUSTER", "LISTEN", "HAPROXY", "MEMBERS"],
            lbs.map { [$0.name, $0.cluster, $0.listen, $0.running ? "running" : "down", $0.members.map { "\($0.vmID)=\($0.status)" }.joined(separator: " ")] })
    }
}

struct LocalKillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill", abstract: "Crash local VMs: kill each one's whole process tree at once.",
        discussion: "The VM then reports stopped; Bosun's healing starts it again, with its disk.")
    @OptionGroup var options: LocalCommandOptions
    @Argument(help: "VM ids.") var vms: [String]

    func run() throws {
        let missing = try options.withCloud { cloud in try vms.filter { try !cloud.crash(vmID: $0) } }
        guard missing.isEmpty else {
            Output.error("no such local VM: \(missing.joined(separator: ", "))")
            throw ExitCode.failure
        }
        print("killed \(vms.joined(separator: ", "))")
    }
}
