import BosunProvider
import BosunSim
import Foundation
import Testing

/// `silence(vm:)` and `resume(vm:)`, on a test clock: the heartbeat freezes, nothing else does.
@Suite struct SilenceTests {
    let clock = TestClock()
    let sandbox: SimSandbox

    init() throws { sandbox = try SimSandbox() }

    private func heartbeat(_ cloud: SimCloud, _ vm: VM) async throws -> Date? {
        try await cloud.health(cluster: "demo")[vm.id]?.lastHeartbeat
    }

    @Test func aSilentAgentKeepsItsLastHeartbeatWhileItsVMAndJobsRun() async throws {
        let cloud = try sandbox.open(clock: clock)
        let (vm, _) = try await cloud.populate()
        let silenced = clock.now
        #expect(try await cloud.console.silence(vm: vm.id) == silenced)
        clock.advance(120)
        #expect(try await heartbeat(cloud, vm) == silenced)
        #expect(try await cloud.health(cluster: "demo")[vm.id]?.jobs == ["kubelet": .running])
        #expect(try await cloud.listVMs(cluster: "demo").first?.state == .running)
        #expect(try await cloud.console.silence(vm: vm.id) == silenced, "silencing again keeps the first moment")
        #expect(try await cloud.console.vms().first?.silentSince == silenced)
        // Its jobs still take orders; only the heartbeat is gone.
        try await cloud.restartJobs(vmID: vm.id, jobs: ["kubelet"])
        #expect(try await cloud.health(cluster: "demo")[vm.id]?.jobs == ["kubelet": .running])
        clock.advance(30)
        #expect(try await heartbeat(cloud, vm) == silenced)
        #expect(try await cloud.console.resume(vm: vm.id) == silenced)
        #expect(try await heartbeat(cloud, vm) == clock.now)
        #expect(try await cloud.console.vms().first?.silentSince == nil)
        #expect(try await cloud.console.resume(vm: vm.id) == nil, "resuming a speaking agent is fine")
    }

    @Test func aSilentVMThatStopsReportsTheEarlierMoment() async throws {
        let cloud = try sandbox.open(clock: clock)
        let (vm, _) = try await cloud.populate()
        let silenced = clock.now
        try await cloud.console.silence(vm: vm.id)
        clock.advance(10)
        try await cloud.stopVM(id: vm.id)
        clock.advance(10)
        #expect(try await heartbeat(cloud, vm) == silenced)
        try await cloud.startVM(id: vm.id)
        #expect(try await heartbeat(cloud, vm) == silenced, "a power cycle does not wake a silent agent")
    }

    @Test func aRecreatedVMIsNotSilent() async throws {
        let cloud = try sandbox.open(clock: clock)
        let (vm, _) = try await cloud.populate()
        try await cloud.console.silence(vm: vm.id)
        clock.advance(60)
        try await cloud.deleteVM(id: vm.id)
        let again = try await cloud.createVM(Requests.vm(0))
        try await cloud.startJobs(vmID: again.id, jobs: ["kubelet"])
        clock.advance(60)
        #expect(try await heartbeat(cloud, again) == clock.now)
        #expect(try await cloud.console.vms().map(\.silentSince) == [nil])
        // The same after `bosun sim kill`.
        try await cloud.console.silence(vm: again.id)
        try await cloud.console.kill(vm: again.id)
        let third = try await cloud.createVM(Requests.vm(0))
        #expect(try await heartbeat(cloud, third) == clock.now)
    }

    @Test func unknownVMsAreRefused() async throws {
        let cloud = try sandbox.open(clock: clock)
        _ = try await cloud.populate()
        let before = try await SimSnapshot(cloud)
        for id in ["vm-999999", "vm-1", ""] {
            await expectProviderError(.terminal, ProviderError.notFound) { try await cloud.console.silence(vm: id) }
            await expectProviderError(.terminal, ProviderError.notFound) { try await cloud.console.resume(vm: id) }
        }
        #expect(try await SimSnapshot(cloud) == before)
    }
}
