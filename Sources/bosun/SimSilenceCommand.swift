import ArgumentParser
import Foundation

/// `bosun sim silence VM [--resume]`: the VM's agent stops heartbeating while the VM and its
/// jobs keep running, the way an agent that hangs or loses its network looks to a controller.
struct SimSilenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence", abstract: "Stop (or with --resume restart) a VM agent's heartbeat.",
        discussion: """
            The VM keeps running and its jobs keep their state, but its last heartbeat stays at the moment \
            of silencing until --resume. Silencing a silent agent keeps the first moment. A VM created \
            later (a recreate) is a new VM and heartbeats normally.
            """)

    @OptionGroup var sim: SimOptions

    @Argument(help: "VM id.")
    var vm: String

    @Flag(help: "Let the agent heartbeat again.")
    var resume = false

    func run() async throws {
        if resume {
            let since = try await sim.withCloud { try await $0.console.resume(vm: vm) }
            return print(since.map { "\(vm)'s agent heartbeats again (silent since \($0.formatted(.iso8601)))" } ?? "\(vm)'s agent was not silent")
        }
        let since = try await sim.withCloud { try await $0.console.silence(vm: vm) }
        print("\(vm)'s agent is silent since \(since.formatted(.iso8601)) (until `bosun sim silence \(vm) --resume`)")
    }
}
