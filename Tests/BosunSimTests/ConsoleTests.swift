import BosunProvider
import BosunSim
import Foundation
import Testing

/// The operator's hand: what each break-it action does to the cloud the provider reports.
@Suite struct ConsoleTests {
    let sandbox: SimSandbox

    init() throws { sandbox = try SimSandbox() }

    /// A VM with a disk attached, registered in an LB, running kubelet.
    private func populated() async throws -> (SimCloud, VM, Disk) {
        let cloud = try sandbox.open()
        let (vm, disk) = try await cloud.populate()
        return (cloud, vm, disk)
    }

    @Test func killMakesTheVMVanishAndKeepsItsDisk() async throws {
        let (cloud, vm, disk) = try await populated()
        try await cloud.console.kill(vm: vm.id)
        #expect(try await cloud.listVMs(cluster: "demo").isEmpty)
        #expect(try await cloud.listDisks(cluster: "demo") == [Disk(
            id: disk.id, cluster: "demo", instanceID: disk.instanceID, az: "z1", sizeMiB: 1024, type: "standard",
            attachedTo: nil, idempotencyKey: disk.idempotencyKey)])
        #expect(try await cloud.listMembers(lb: "demo-api").isEmpty)
        #expect(try await cloud.health(cluster: "demo").isEmpty)
        let again = try await cloud.createVM(Requests.vm(0))
        #expect(again.id != vm.id, "the key of a vanished VM makes a new VM")
    }

    @Test func stopDetachDeregisterAndFailJobShowThroughTheProvider() async throws {
        let (cloud, vm, disk) = try await populated()
        try await cloud.console.failJob(vm: vm.id, job: "kubelet")
        #expect(try await cloud.health(cluster: "demo")[vm.id]?.jobs == ["kubelet": .failed])
        try await cloud.restartJobs(vmID: vm.id, jobs: ["kubelet"])
        #expect(try await cloud.health(cluster: "demo")[vm.id]?.jobs == ["kubelet": .running])

        try await cloud.console.deregister(lb: "demo-api", vm: vm.id)
        #expect(try await cloud.listMembers(lb: "demo-api").isEmpty)
        try await cloud.console.detach(disk: disk.id)
        #expect(try await cloud.listDisks(cluster: "demo").first?.attachedTo == nil)
        try await cloud.console.stop(vm: vm.id)
        try await cloud.console.stop(vm: vm.id)
        #expect(try await cloud.listVMs(cluster: "demo").first?.state == .stopped)
        #expect(try await cloud.health(cluster: "demo")[vm.id]?.jobs == ["kubelet": .stopped])
    }

    @Test func rogueMakesAVMNobodyAskedFor() async throws {
        let (cloud, vm, _) = try await populated()
        let rogue = try await cloud.console.rogue(cluster: "demo")
        let listed = try await cloud.listVMs(cluster: "demo")
        #expect(listed.map(\.id) == [vm.id, rogue.id])
        #expect(rogue.group == "rogue" && rogue.cluster == "demo" && rogue.az == "z1" && rogue.state == .running)
        #expect(try await cloud.console.rogue(cluster: "empty").az == "z1")
    }

    @Test func listingsShowEverything() async throws {
        let (cloud, vm, disk) = try await populated()
        _ = try await cloud.createVM(Requests.vm(0, cluster: "other"))
        let vms = try await cloud.console.vms()
        #expect(vms.map(\.vm.cluster) == ["demo", "other"])
        #expect(vms.first?.jobs == ["kubelet": .running])
        #expect(try await cloud.console.vms(cluster: "demo").map(\.vm.id) == [vm.id])
        #expect(try await cloud.console.disks().map(\.id) == [disk.id])
        #expect(try await cloud.console.loadBalancers() == [SimLoadBalancer(name: "demo-api", members: [vm.id])])
    }

    @Test func resetEmptiesTheCloudAndClearsItsSettings() async throws {
        let (cloud, vm, _) = try await populated()
        try await cloud.console.configure { $0.maxVMs = 3; $0.faults.latency = .milliseconds(1); $0.seed = 9 }
        try await cloud.console.reset()
        #expect(try await cloud.console.vms().isEmpty)
        #expect(try await cloud.console.disks().isEmpty)
        #expect(try await cloud.console.loadBalancers().isEmpty)
        #expect(try await cloud.console.settings() == SimSettings())
        #expect(try await cloud.createVM(Requests.vm(0)).id > vm.id, "ids keep counting after a reset")
    }
}
