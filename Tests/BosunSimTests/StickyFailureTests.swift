import BosunProvider
import BosunSim
import Foundation
import Testing

/// `failJob` with `.times(N)` and `.always`: a crash loop, on a test clock. Each failing start
/// succeeds as a call, reports `starting` for the job start time, then `failed`.
@Suite struct StickyFailureTests {
    let clock = TestClock()
    let sandbox: SimSandbox

    init() throws { sandbox = try SimSandbox() }

    /// A VM in `demo` running etcd and kubelet, with a job start time of 5 s.
    private func running() async throws -> (SimCloud, VM) {
        let cloud = try sandbox.open(clock: clock)
        try await cloud.console.configure { $0.jobStartTime = .seconds(5) }
        let vm = try await cloud.createVM(Requests.vm(0))
        try await cloud.startJobs(vmID: vm.id, jobs: ["etcd", "kubelet"])
        clock.advance(5)
        return (cloud, vm)
    }

    private func kubelet(_ cloud: SimCloud, _ vm: VM) async throws -> JobState? {
        try await cloud.health(cluster: "demo")[vm.id]?.jobs["kubelet"]
    }

    private func sticky(_ cloud: SimCloud) async throws -> [String: SimJobFailure]? {
        try await cloud.console.vms().first?.stickyFailures
    }

    /// Restarts kubelet and expects `starting`, then (after the start time) `state`.
    private func restart(_ cloud: SimCloud, _ vm: VM, comesUp state: JobState, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await cloud.restartJobs(vmID: vm.id, jobs: ["kubelet"])
        #expect(try await kubelet(cloud, vm) == .starting, sourceLocation: sourceLocation)
        clock.advance(5)
        #expect(try await kubelet(cloud, vm) == state, sourceLocation: sourceLocation)
    }

    @Test func aJobFailingNTimesFailsAfterEachOfItsNextNRestartsThenRuns() async throws {
        let (cloud, vm) = try await running()
        try await cloud.console.failJob(vm: vm.id, job: "kubelet", failure: .times(2))
        #expect(try await kubelet(cloud, vm) == .failed)
        #expect(try await sticky(cloud) == ["kubelet": .times(2)])
        try await restart(cloud, vm, comesUp: .failed)
        #expect(try await sticky(cloud) == ["kubelet": .times(1)])
        try await restart(cloud, vm, comesUp: .failed)
        #expect(try await sticky(cloud) == [:])
        try await restart(cloud, vm, comesUp: .running)
        #expect(try await cloud.health(cluster: "demo")[vm.id]?.jobs["etcd"] == .running, "other jobs are untouched")
    }

    @Test func timesZeroIsTheSingleFailureOfBefore() async throws {
        let (cloud, vm) = try await running()
        try await cloud.console.failJob(vm: vm.id, job: "kubelet", failure: .times(0))
        #expect(try await kubelet(cloud, vm) == .failed)
        #expect(try await sticky(cloud) == [:])
        try await restart(cloud, vm, comesUp: .running)
    }

    @Test func anAlwaysFailingJobFailsAfterEveryStartUntilCleared() async throws {
        let (cloud, vm) = try await running()
        try await cloud.console.failJob(vm: vm.id, job: "kubelet", failure: .always)
        for _ in 0..<3 { try await restart(cloud, vm, comesUp: .failed) }
        #expect(try await sticky(cloud) == ["kubelet": .always])
        // startJobs leaves a starting process alone but starts a failed one again: still doomed.
        try await cloud.startJobs(vmID: vm.id, jobs: ["kubelet"])
        #expect(try await kubelet(cloud, vm) == .starting)
        clock.advance(2)
        try await cloud.startJobs(vmID: vm.id, jobs: ["kubelet"])
        clock.advance(3)
        #expect(try await kubelet(cloud, vm) == .failed)
        // A power cycle does not cure it.
        try await cloud.stopVM(id: vm.id)
        try await cloud.startVM(id: vm.id)
        try await cloud.startJobs(vmID: vm.id, jobs: ["kubelet"])
        clock.advance(5)
        #expect(try await kubelet(cloud, vm) == .failed)
        // Cleared while a doomed process is still starting: that process comes up.
        try await cloud.restartJobs(vmID: vm.id, jobs: ["kubelet"])
        #expect(try await cloud.console.clearJobFailure(vm: vm.id, job: "kubelet") == .always)
        clock.advance(5)
        #expect(try await kubelet(cloud, vm) == .running)
        #expect(try await sticky(cloud) == [:])
        #expect(try await cloud.console.clearJobFailure(vm: vm.id, job: "kubelet") == nil, "clearing twice is fine")
    }

    @Test func aJobThatHasAlreadyFailedStaysFailedWhenClearedUntilRestarted() async throws {
        let (cloud, vm) = try await running()
        try await cloud.console.failJob(vm: vm.id, job: "kubelet", failure: .always)
        try await restart(cloud, vm, comesUp: .failed)
        try await cloud.console.clearJobFailure(vm: vm.id, job: "kubelet")
        #expect(try await kubelet(cloud, vm) == .failed)
        clock.advance(60)
        #expect(try await kubelet(cloud, vm) == .failed)
        try await restart(cloud, vm, comesUp: .running)
    }

    @Test func aLaterFailJobReplacesAnEarlierAlways() async throws {
        let (cloud, vm) = try await running()
        try await cloud.console.failJob(vm: vm.id, job: "kubelet", failure: .always)
        try await cloud.console.failJob(vm: vm.id, job: "kubelet")
        #expect(try await sticky(cloud) == [:])
        try await restart(cloud, vm, comesUp: .running)
    }

    @Test func aRecreatedVMRunsItsJobs() async throws {
        let (cloud, vm) = try await running()
        try await cloud.console.failJob(vm: vm.id, job: "kubelet", failure: .always)
        try await cloud.deleteVM(id: vm.id)
        let again = try await cloud.createVM(Requests.vm(0))
        #expect(again.id != vm.id)
        try await cloud.startJobs(vmID: again.id, jobs: ["etcd", "kubelet"])
        clock.advance(5)
        #expect(try await cloud.health(cluster: "demo")[again.id]?.jobs == ["etcd": .running, "kubelet": .running])
        #expect(try await sticky(cloud) == [:])
    }

    @Test func withNoStartTimeAFailingStartIsFailedAtOnce() async throws {
        let cloud = try sandbox.open(clock: clock)
        let (vm, _) = try await cloud.populate()
        try await cloud.console.failJob(vm: vm.id, job: "kubelet", failure: .times(1))
        try await cloud.restartJobs(vmID: vm.id, jobs: ["kubelet"])
        #expect(try await kubelet(cloud, vm) == .failed)
        try await cloud.restartJobs(vmID: vm.id, jobs: ["kubelet"])
        #expect(try await kubelet(cloud, vm) == .running)
    }

    @Test func badFailuresAreRefusedAndChangeNothing() async throws {
        let (cloud, vm) = try await running()
        let before = try await SimSnapshot(cloud)
        await expectProviderError(.terminal, ProviderError.invalidParameter) {
            try await cloud.console.failJob(vm: vm.id, job: "kubelet", failure: .times(-1))
        }
        await expectProviderError(.terminal, ProviderError.notFound) { try await cloud.console.failJob(vm: vm.id, job: "etcd2", failure: .always) }
        await expectProviderError(.terminal, ProviderError.notFound) { try await cloud.console.failJob(vm: "vm-999999", job: "kubelet", failure: .always) }
        await expectProviderError(.terminal, ProviderError.notFound) { try await cloud.console.clearJobFailure(vm: vm.id, job: "etcd2") }
        await expectProviderError(.terminal, ProviderError.notFound) { try await cloud.console.clearJobFailure(vm: "vm-999999", job: "kubelet") }
        #expect(try await SimSnapshot(cloud) == before)
    }
}
