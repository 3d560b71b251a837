import ArgumentParser

/// `bosun sim fail-job VM JOB`: the job's process dies and stays dead until restarted.
struct SimFailJobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fail-job", abstract: "Make a job on a VM stop running (state failed).")

    @OptionGroup var sim: SimOptions

    @Argument(help: "VM id.")
    var vm: String

    @Argument(help: "Job name, e.g. kubelet.")
    var job: String

    func run() async throws {
        try await sim.withCloud { try await $0.console.failJob(vm: vm, job: job) }
        print("failed \(job) on \(vm)")
    }
}
