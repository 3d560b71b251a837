import BosunProvider
import Foundation
import Testing

/// Splitting a sweep by cluster as its pages come: what a page says of a VM that only a later
/// page lists still reaches that VM's cluster; a later report wins; what names a VM the sweep
/// never listed, or a VM listed twice, is dropped or counted once.
@Suite struct InventoryAccumulatorTests {
    func vm(_ id: String, _ cluster: String) -> VM {
        VM(id: id, cluster: cluster, group: "g", index: 0, instanceID: "\(cluster)/g/0", az: "z1", vmType: "small", image: "img",
           state: .running, idempotencyKey: "k-\(id)")
    }

    func disk(_ id: String, _ cluster: String) -> Disk {
        Disk(id: id, cluster: cluster, instanceID: "\(cluster)/g/0", az: "z1", sizeMiB: 1024, type: nil, attachedTo: nil, idempotencyKey: "k-\(id)")
    }

    func report(_ id: String, _ state: JobState, at seconds: Double) -> NodeHealth {
        NodeHealth(vmID: id, jobs: ["kubelet": state], lastHeartbeat: Date(timeIntervalSince1970: seconds))
    }

    @Test func pagesInAnyOrderSplitAsIfReadAtOnce() {
        var accumulator = InventoryAccumulator()
        // Page 1: a membership and a report of vm-2 before any page lists vm-2; vm-1 with both.
        accumulator.add(InventoryPage(
            vms: [vm("vm-1", "a")], members: ["a-api": ["vm-1", "vm-2"], "b-api": ["vm-9"]],
            health: ["vm-1": report("vm-1", .running, at: 1), "vm-2": report("vm-2", .failed, at: 1)], nextToken: "2"))
        // Page 2: vm-2 (and vm-1 again), a newer report of vm-1 and a disk of a cluster with no VM.
        accumulator.add(InventoryPage(
            vms: [vm("vm-2", "b"), vm("vm-1", "a")], disks: [disk("d-1", "c")],
            health: ["vm-1": report("vm-1", .failed, at: 2)], nextToken: "3"))
        // Page 3: a newer report of vm-2, which was waiting for its VM, and the disk again.
        accumulator.add(InventoryPage(disks: [disk("d-1", "c")], health: ["vm-2": report("vm-2", .running, at: 3)]))
        #expect(accumulator.pages == 3)
        let split = accumulator.byCluster()
        #expect(Set(split.keys) == ["a", "b", "c"])
        #expect(split["a"]?.vms.map(\.id) == ["vm-1"])
        #expect(split["a"]?.health["vm-1"]?.jobs["kubelet"] == .failed)
        #expect(split["a"]?.members == ["a-api": ["vm-1"]])
        #expect(split["b"]?.vms.map(\.id) == ["vm-2"])
        #expect(split["b"]?.health["vm-2"]?.jobs["kubelet"] == .running)
        // vm-2 is b's, whatever load balancer it is registered in; vm-9 was never listed.
        #expect(split["b"]?.members == ["a-api": ["vm-2"]])
        #expect(split["c"]?.disks.map(\.id) == ["d-1"])
        #expect(split["c"]?.vms.isEmpty == true)
    }

    @Test func aWaitingReportDoesNotOverrideANewerOne() {
        var accumulator = InventoryAccumulator()
        accumulator.add(InventoryPage(health: ["vm-1": report("vm-1", .failed, at: 1)]))
        accumulator.add(InventoryPage(vms: [vm("vm-1", "a")]))
        accumulator.add(InventoryPage(health: ["vm-1": report("vm-1", .running, at: 2)]))
        #expect(accumulator.byCluster()["a"]?.health["vm-1"]?.jobs["kubelet"] == .running)
    }
}
