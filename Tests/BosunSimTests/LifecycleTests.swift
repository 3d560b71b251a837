import BosunProvider
import BosunSim
import Foundation
import Testing

/// VM boots, job start-up, heartbeats and health, on a test clock.
@Suite struct LifecycleTests {
    let clock = TestClock()
    let sandbox: SimSandbox

    init() throws { sandbox = try SimSandbox() }

    private func cloud(boot: Duration = .zero, jobStart: Duration = .zero) async throws -> SimCloud {
        let cloud = try sandbox.open(clock: clock)
        try await cloud.console.configure { $0.bootTime = boot; $0.jobStartTime = jobStart }
        return cloud
    }

    @Test func aNewVMIsCreatingForItsBootTimeThenRunning() async throws {
        let cloud = try await cloud(boot: .seconds(30))
        let vm = try await cloud.createVM(Requests.vm(0))
        #expect(vm.state == .creating)
        await expectProviderError(.retryable, ProviderError.incorrectState) { try await cloud.startJobs(vmID: vm.id, jobs: ["kubelet"]) }
        #expect(try await cloud.health(cluster: "demo").isEmpty, "a booting VM has no agent yet")
        clock.advance(29)
        #expect(try await cloud.listVMs(cluster: "demo").first?.state == .creating)
        clock.advance(1)
        #expect(try await cloud.listVMs(cluster: "demo").first?.state == .running)
        try await cloud.startJobs(vmID: vm.id, jobs: ["kubelet"])
    }

    @Test func jobsAreStartingForTheirStartTimeThenRunning() async throws {
        let cloud = try await cloud(jobStart: .seconds(10))
        let vm = try await cloud.createVM(Requests.vm(0))
        try await cloud.startJobs(vmID: vm.id, jobs: ["etcd", "kubelet"])
        #expect(try await cloud.health(cluster: "demo")[vm.id]?.jobs == ["etcd": .starting, "kubelet": .starting])
        clock.advance(10)
        let health = try #require(try await cloud.health(cluster: "demo")[vm.id])
        #expect(health.jobs == ["etcd": .running, "kubelet": .running])
        #expect(health.isHealthy)
        clock.advance(5)
        try await cloud.startJobs(vmID: vm.id, jobs: ["etcd"])
        #expect(try await cloud.health(cluster: "demo")[vm.id]?.jobs["etcd"] == .running, "start leaves a running job alone")
        try await cloud.restartJobs(vmID: vm.id, jobs: ["etcd"])
        #expect(try await cloud.health(cluster: "demo")[vm.id]?.jobs["etcd"] == .starting, "restart is a new process")
    }

    @Test func aRunningVMHeartbeatsNowAndAStoppedOneWhenItStopped() async throws {
        let cloud = try await cloud()
        let vm = try await cloud.createVM(Requests.vm(0))
        try await cloud.startJobs(vmID: vm.id, jobs: ["kubelet"])
        let stoppedAt = clock.now
        #expect(try await cloud.health(cluster: "demo")[vm.id]?.lastHeartbeat == stoppedAt)
        try await cloud.stopVM(id: vm.id)
        clock.advance(120)
        let health = try #require(try await cloud.health(cluster: "demo")[vm.id])
        #expect(health.lastHeartbeat == stoppedAt)
        #expect(health.jobs == ["kubelet": .stopped])
        await expectProviderError(.terminal, ProviderError.incorrectState) { try await cloud.startJobs(vmID: vm.id, jobs: ["kubelet"]) }
        try await cloud.startVM(id: vm.id)
        #expect(try await cloud.health(cluster: "demo")[vm.id]?.lastHeartbeat == clock.now)
    }

    @Test func aStartedVMBootsAgain() async throws {
        let cloud = try await cloud(boot: .seconds(5))
        let vm = try await cloud.createVM(Requests.vm(0))
        clock.advance(5)
        try await cloud.stopVM(id: vm.id)
        #expect(try await cloud.listVMs(cluster: "demo").first?.state == .stopped)
        try await cloud.startVM(id: vm.id)
        #expect(try await cloud.listVMs(cluster: "demo").first?.state == .creating)
        clock.advance(5)
        #expect(try await cloud.listVMs(cluster: "demo").first?.state == .running)
    }

    @Test func stoppingJobsStopsThemAndAMissingVMIsAlreadyStopped() async throws {
        let cloud = try await cloud()
        let vm = try await cloud.createVM(Requests.vm(0))
        try await cloud.startJobs(vmID: vm.id, jobs: ["kubelet", "kube-proxy"])
        try await cloud.stopJobs(vmID: vm.id)
        #expect(try await cloud.health(cluster: "demo")[vm.id]?.jobs == ["kubelet": .stopped, "kube-proxy": .stopped])
        try await cloud.deleteVM(id: vm.id)
        try await cloud.stopJobs(vmID: vm.id)
        try await cloud.stopJobs(vmID: "not-a-vm")
    }

    @Test func theStateSurvivesReopening() async throws {
        let cloud = try await cloud()
        let vm = try await cloud.createVM(Requests.vm(0))
        let disk = try await cloud.createDisk(Requests.disk(0))
        try await cloud.attachDisk(id: disk.id, to: vm.id)
        try await cloud.register(lb: "demo-api", vmID: vm.id)
        try cloud.close()
        let reopened = try sandbox.open(clock: clock)
        #expect(try await reopened.listVMs(cluster: "demo") == [vm])
        #expect(try await reopened.listDisks(cluster: "demo").first?.attachedTo == vm.id)
        #expect(try await reopened.listMembers(lb: "demo-api") == [vm.id])
    }
}
