import BosunProvider
import BosunSim
import Foundation
import Testing

/// `bosun sim fail-job --times/--always/--clear`, `bosun sim silence [--resume]` and what
/// `bosun sim vms` shows of them, each in its own process against a sim this process holds open.
@Suite struct BreakageCLITests {
    let sandbox: SimSandbox
    let clock = TestClock()

    init() throws { sandbox = try SimSandbox() }

    private func sim(_ arguments: String...) async throws -> BosunBinary.Result {
        try await sim(arguments)
    }

    private func sim(_ arguments: [String]) async throws -> BosunBinary.Result {
        try await BosunBinary.run(["sim"] + arguments + ["--state", sandbox.statePath], in: sandbox.directory)
    }

    struct VMs: Decodable {
        struct Row: Decodable {
            var id: String
            var jobs: [String: String]
            var lastHeartbeat: String?
            var stickyFailures: [String: String]
            var silentSince: String?
        }
        var vms: [Row]
    }

    private func vms() async throws -> [VMs.Row] {
        let result = try await sim("vms", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(VMs.self, from: Data(result.stdout.utf8)).vms
    }

    private func kubelet(_ cloud: SimCloud, _ vm: VM) async throws -> JobState? {
        try await cloud.health(cluster: "demo")[vm.id]?.jobs["kubelet"]
    }

    @Test func anAlwaysFailingJobFromAnotherProcessFailsEveryRestartUntilCleared() async throws {
        let cloud = try sandbox.open(clock: clock)
        try await cloud.console.configure { $0.jobStartTime = .seconds(5) }
        let (vm, _) = try await cloud.populate()
        clock.advance(5)
        let failed = try await sim("fail-job", vm.id, "kubelet", "--always")
        #expect(failed.status == 0, "\(failed.stderr)")
        #expect(failed.stdout == "failed kubelet on \(vm.id); every start fails until `bosun sim fail-job \(vm.id) kubelet --clear`\n")
        for _ in 0..<2 {
            try await cloud.restartJobs(vmID: vm.id, jobs: ["kubelet"])
            #expect(try await kubelet(cloud, vm) == .starting)
            clock.advance(5)
            #expect(try await kubelet(cloud, vm) == .failed)
        }
        let table = try await sim("vms")
        #expect(table.stdout.contains("kubelet=failed(always)"), "\(table.stdout)")
        #expect(!table.stdout.contains("SILENT SINCE"))
        let row = try #require(try await vms().first)
        #expect(row.jobs == ["kubelet": "failed"] && row.stickyFailures == ["kubelet": "always"] && row.silentSince == nil)

        let cleared = try await sim("fail-job", vm.id, "kubelet", "--clear")
        #expect(cleared.stdout == "kubelet on \(vm.id) no longer fails on start (it had always)\n", "\(cleared.stderr)")
        #expect(try await kubelet(cloud, vm) == .failed, "clearing does not restart it")
        try await cloud.restartJobs(vmID: vm.id, jobs: ["kubelet"])
        clock.advance(5)
        #expect(try await kubelet(cloud, vm) == .running)
        #expect(try await vms().first?.stickyFailures == [:])
        #expect(try await sim("fail-job", vm.id, "kubelet", "--clear").stdout == "kubelet on \(vm.id) had no sticky failure\n")
    }

    @Test func aJobFailingTwiceFromAnotherProcessThenRuns() async throws {
        let cloud = try sandbox.open(clock: clock)
        let (vm, _) = try await cloud.populate()
        let failed = try await sim("fail-job", vm.id, "kubelet", "--times", "2")
        #expect(failed.stdout == "failed kubelet on \(vm.id); its next 2 starts fail too\n", "\(failed.stderr)")
        #expect(try await sim("vms").stdout.contains("kubelet=failed(2 more)"))
        #expect(try await vms().first?.stickyFailures == ["kubelet": "2"])
        for expected in [JobState.failed, .failed, .running] {
            try await cloud.restartJobs(vmID: vm.id, jobs: ["kubelet"])
            #expect(try await kubelet(cloud, vm) == expected)
        }
        let once = try await sim("fail-job", vm.id, "kubelet", "--times", "1")
        #expect(once.stdout == "failed kubelet on \(vm.id); its next start fails too\n")
        let plain = try await sim("fail-job", vm.id, "kubelet")
        #expect(plain.stdout == "failed kubelet on \(vm.id)\n", "a plain fail-job replaces --times")
        try await cloud.restartJobs(vmID: vm.id, jobs: ["kubelet"])
        #expect(try await kubelet(cloud, vm) == .running)
    }

    /// On the wall clock, since the heartbeat of a speaking agent is the time of the call.
    @Test func silenceFromAnotherProcessFreezesTheHeartbeatUntilResumed() async throws {
        let cloud = try sandbox.open()
        let (vm, _) = try await cloud.populate()
        let silenced = try await sim("silence", vm.id)
        #expect(silenced.status == 0, "\(silenced.stderr)")
        #expect(silenced.stdout.hasPrefix("\(vm.id)'s agent is silent since "))
        let since = try #require(try await cloud.console.vms().first?.silentSince)
        #expect(try await cloud.health(cluster: "demo")[vm.id]?.lastHeartbeat == since)
        try await Task.sleep(for: .milliseconds(1100))
        let health = try #require(try await cloud.health(cluster: "demo")[vm.id])
        #expect(health.lastHeartbeat == since && health.jobs == ["kubelet": .running])
        let first = try #require(try await vms().first)
        #expect(first.silentSince != nil && first.lastHeartbeat == first.silentSince)
        try await Task.sleep(for: .milliseconds(1100))
        let second = try #require(try await vms().first)
        #expect(second.lastHeartbeat == first.lastHeartbeat, "the heartbeat stays frozen across processes")
        let table = try await sim("vms")
        let shown = try #require(first.silentSince)
        #expect(table.stdout.contains("SILENT SINCE") && table.stdout.contains(shown), "\(table.stdout)")

        let resumed = try await sim("silence", vm.id, "--resume")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.hasPrefix("\(vm.id)'s agent heartbeats again (silent since "))
        let after = try #require(try await cloud.health(cluster: "demo")[vm.id]?.lastHeartbeat)
        #expect(after > since.addingTimeInterval(2))
        #expect(try await vms().first?.silentSince == nil)
        #expect(!(try await sim("vms").stdout.contains("SILENT SINCE")))
        #expect(try await sim("silence", vm.id, "--resume").stdout == "\(vm.id)'s agent was not silent\n")
    }

    @Test func aVMRecreatedAfterSilenceHeartbeats() async throws {
        let cloud = try sandbox.open()
        let (vm, _) = try await cloud.populate()
        #expect(try await sim("silence", vm.id).status == 0)
        #expect(try await sim("kill", vm.id).status == 0)
        let again = try await cloud.createVM(Requests.vm(0))
        try await cloud.startJobs(vmID: again.id, jobs: ["kubelet"])
        let rows = try await vms()
        #expect(rows.map(\.id) == [again.id] && rows.first?.silentSince == nil)
        let heartbeat = try #require(try await cloud.health(cluster: "demo")[again.id]?.lastHeartbeat)
        #expect(abs(heartbeat.timeIntervalSinceNow) < 5)
    }

    @Test func badInputExitsNonZeroWithAClearErrorAndChangesNothing() async throws {
        let cloud = try sandbox.open(clock: clock)
        let (vm, _) = try await cloud.populate()
        let before = try await SimSnapshot(cloud)
        let cases: [([String], Int32, String)] = [
            (["fail-job", "vm-999999", "kubelet", "--always"], 1, "error: VM vm-999999 not found"),
            (["fail-job", vm.id, "etcd", "--times", "3"], 1, "error: job etcd on VM \(vm.id) not found"),
            (["fail-job", vm.id, "etcd", "--clear"], 1, "error: job etcd on VM \(vm.id) not found"),
            (["fail-job", vm.id, "kubelet", "--times=-1"], 1, "failure count -1 is negative"),
            (["fail-job", vm.id, "kubelet", "--times", "-1"], 1, "failure count -1 is negative"),
            (["fail-job", vm.id, "kubelet", "--times", "2", "--always"], 64, "give either --times or --always, not both"),
            (["fail-job", vm.id, "kubelet", "--always", "--clear"], 64, "--clear takes neither --times nor --always"),
            (["fail-job", vm.id, "kubelet", "--times", "many"], 64, "--times"),
            (["silence", "vm-999999"], 1, "error: VM vm-999999 not found"), (["silence", "nope", "--resume"], 1, "error: VM nope not found"),
            (["silence"], 64, "Missing expected argument"),
        ]
        for (arguments, status, message) in cases {
            let result = try await sim(arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments)")
        }
        #expect(try await SimSnapshot(cloud) == before)

        let missing = try await BosunBinary.run(
            ["sim", "calls", "--state", sandbox.directory + "/none.db"], in: sandbox.directory)
        #expect(missing.status == 1 && missing.stderr.contains("no sim state at"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.directory + "/none.db"))
    }

    /// A sim file from before sticky failures, silence and call counts is migrated in place.
    @Test func aSimFileFromTheFirstSchemaIsMigratedKeepingItsCloud() async throws {
        let cloud = try sandbox.open(clock: clock)
        let (vm, disk) = try await cloud.populate()
        try cloud.close()
        let downgrade = """
            ALTER TABLE jobs DROP COLUMN fails_left; ALTER TABLE jobs DROP COLUMN doomed;
            ALTER TABLE vms DROP COLUMN silent_since; DROP TABLE calls;
            DELETE FROM grdb_migrations WHERE identifier = 'sim-v2';
            """
        let process = try Process.run(URL(fileURLWithPath: "/usr/bin/sqlite3"), arguments: [sandbox.statePath, downgrade])
        while process.isRunning { try await Task.sleep(for: .milliseconds(5)) }
        #expect(process.terminationStatus == 0)
        let reopened = try sandbox.open(clock: clock)
        #expect(try await reopened.health(cluster: "demo")[vm.id]?.jobs == ["kubelet": .running])
        #expect(try await reopened.listDisks(cluster: "demo").first?.attachedTo == vm.id, "\(disk.id)")
        try await reopened.console.failJob(vm: vm.id, job: "kubelet", failure: .always)
        try await reopened.console.silence(vm: vm.id)
        #expect(try await reopened.console.vms().first?.stickyFailures == ["kubelet": .always])
    }
}
