import ArgumentParser
import BosunLocal
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `bosun agent …`: the node agent of the local provider, run on its VMs by runit.
struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "The local provider's node agent (run by the VMs' supervisors, not by hand).",
        subcommands: [AgentRunJobCommand.self])
}

/// `bosun agent run-job`: writes a job's files from the node's configuration, joins etcd
/// membership when needed, and execs the job, which runit then supervises.
struct AgentRunJobCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run-job", abstract: "Prepare and exec one job of a local VM.")

    @Option(help: "The local provider directory.") var localRoot: String
    @Option(help: "The VM id.") var vm: String
    @Option(help: "The job name.") var job: String
    @Option(help: "Operator job catalog directory.") var jobCatalog: String?

    func run() throws {
        let say: (String) -> Void = { FileHandle.standardError.write(Data("bosun agent: \($0)\n".utf8)) }
        let argv: [String]
        do {
            argv = try LocalAgent(root: localRoot, vmID: vm, catalogDirectory: jobCatalog).prepare(job: job, log: say)
        } catch {
            say("cannot start \(job): \(error)")
            // runsv starts it again after a second; the log says why it keeps failing.
            throw ExitCode.failure
        }
        say("starting \(job): \(argv.first ?? "")")
        var cArgs = argv.map { strdup($0) } + [nil]
        execv(argv[0], &cArgs)
        say("cannot exec \(argv[0]): \(String(cString: strerror(errno)))")
        throw ExitCode.failure
    }
}
