import ArgumentParser
import BosunSim

/// `bosun sim fail-job VM JOB [--times N | --always | --clear]`: the job's process dies and
/// stays dead until restarted; with `--times` or `--always` restarts fail too (a crash loop).
struct SimFailJobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fail-job", abstract: "Make a job on a VM stop running (state failed), once or on every start.",
        discussion: """
            The job reports failed now. With --times N, each of its next N starts or restarts succeeds as a \
            call but the job reports starting, then failed; the start after those comes up running. With \
            --always, every start fails until --clear or until the VM is deleted. Each fail-job replaces the \
            job's earlier --times or --always. --clear ends a sticky failure: the next start (and a start \
            still in progress) comes up running; a job that has already failed stays failed until started.
            """)

    @OptionGroup var sim: SimOptions

    @Argument(help: "VM id.")
    var vm: String

    @Argument(help: "Job name, e.g. kubelet.")
    var job: String

    @Option(parsing: .unconditional, help: ArgumentHelp("Also fail right after each of the job's next N starts or restarts.", valueName: "n"))
    var times: Int?

    @Flag(help: "Also fail right after every start, until --clear or the VM is deleted.")
    var always = false

    @Flag(help: "End the job's --times or --always failure instead of failing it.")
    var clear = false

    func validate() throws {
        guard times == nil || !always else { throw ValidationError("give either --times or --always, not both") }
        guard !clear || (times == nil && !always) else { throw ValidationError("--clear takes neither --times nor --always") }
    }

    func run() async throws {
        if clear {
            let left = try await sim.withCloud { try await $0.console.clearJobFailure(vm: vm, job: job) }
            return print(left.map { "\(job) on \(vm) no longer fails on start (it had \(Self.describe($0)))" } ?? "\(job) on \(vm) had no sticky failure")
        }
        let failure: SimJobFailure = always ? .always : times.map { $0 == 0 ? .once : .times($0) } ?? .once
        try await sim.withCloud { try await $0.console.failJob(vm: vm, job: job, failure: failure) }
        switch failure {
        case .once: print("failed \(job) on \(vm)")
        case .times(let count): print("failed \(job) on \(vm); \(count == 1 ? "its next start fails" : "its next \(count) starts fail") too")
        case .always: print("failed \(job) on \(vm); every start fails until `bosun sim fail-job \(vm) \(job) --clear`")
        }
    }

    /// `always`, or `N more`: what `bosun sim vms` shows beside the job's state.
    static func describe(_ failure: SimJobFailure) -> String {
        switch failure {
        case .once: "once"
        case .times(let count): "\(count) more"
        case .always: "always"
        }
    }
}
