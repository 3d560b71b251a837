import BosunProvider
import BosunSim
import Foundation
import Testing

/// `SimCloud` as an `InventoryProvider`: one paginated sweep agrees with the per-cluster calls
/// for every cluster, whatever was broken behind the controller's back.
@Suite struct InventoryTests {
    let sandbox: SimSandbox
    let clock = TestClock()

    init() throws { sandbox = try SimSandbox() }

    /// Pages of 7 items, so 20 clusters of 3 VMs and 3 disks take many pages and each
    /// cluster's resources straddle page boundaries.
    func open() throws -> SimCloud {
        var environment = SimEnvironment.live
        environment.now = { [clock] in clock.now }
        return try SimCloud(path: sandbox.statePath, environment: environment, inventoryPageSize: 7)
    }

    /// Cluster `c<i>`: three VMs running kubelet, each with its disk attached, registered in `c<i>-api`.
    func populate(_ cloud: SimCloud, clusters: Int) async throws {
        for c in 0..<clusters {
            for i in 0..<3 {
                let vm = try await cloud.createVM(Requests.vm(i, cluster: "c\(c)"))
                let disk = try await cloud.createDisk(Requests.disk(i, cluster: "c\(c)"))
                try await cloud.attachDisk(id: disk.id, to: vm.id)
                try await cloud.register(lb: "c\(c)-api", vmID: vm.id)
                try await cloud.startJobs(vmID: vm.id, jobs: ["kubelet", "kube-proxy"])
            }
        }
    }

    /// Per cluster, what the four per-cluster calls report, in the shape of a sweep's entry.
    func perCluster(_ cloud: SimCloud, _ cluster: String, loadBalancers: Set<String>) async throws -> ClusterInventory {
        let vms = try await cloud.listVMs(cluster: cluster)
        let ours = Set(vms.map(\.id))
        var members: [String: Set<String>] = [:]
        for lb in loadBalancers {
            let mine = Set(try await cloud.listMembers(lb: lb)).intersection(ours)
            if !mine.isEmpty { members[lb] = mine }
        }
        return ClusterInventory(
            vms: vms, disks: try await cloud.listDisks(cluster: cluster), members: members,
            health: try await cloud.health(cluster: cluster))
    }

    func sorted(_ inventory: ClusterInventory) -> ClusterInventory {
        var out = inventory
        out.vms.sort { $0.id < $1.id }
        out.disks.sort { $0.id < $1.id }
        return out
    }

    @Test func bulkAndPerClusterAgreeAfterRandomBreakage() async throws {
        let cloud = try open()
        try await populate(cloud, clusters: 20)
        // A cluster with only a detached disk, and LBs of two clusters sharing a VM of a third.
        _ = try await cloud.createDisk(Requests.disk(0, cluster: "lonely"))
        try await cloud.register(lb: "c1-api", vmID: try await cloud.listVMs(cluster: "c2")[0].id)
        var rng = SeededGenerator(seed: 9)
        var broken: [String] = []
        for _ in 0..<30 {
            let cluster = "c\(Int.random(in: 0..<20, using: &rng))"
            let vms = try await cloud.listVMs(cluster: cluster)
            guard let vm = vms.randomElement(using: &rng) else { continue }
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: try await cloud.console.kill(vm: vm.id)
            case 1: try? await cloud.console.stop(vm: vm.id)
            case 2:
                if let disk = try await cloud.listDisks(cluster: cluster).first(where: { $0.attachedTo == vm.id }) {
                    try await cloud.console.detach(disk: disk.id)
                }
            case 3: try? await cloud.console.deregister(lb: "\(cluster)-api", vm: vm.id)
            default: try? await cloud.console.failJob(vm: vm.id, job: "kubelet")
            }
            broken.append(cluster)
        }
        #expect(Set(broken).count > 5, "the breakage spreads over many clusters")

        let lbs = Set((0..<20).map { "c\($0)-api" })
        try await cloud.console.resetCalls()
        let swept = try await cloud.observeAll(loadBalancers: lbs)
        let pages = try await cloud.console.calls().first { $0.operation == .inventoryPage }?.calls ?? 0
        // 60 VMs (fewer after kills) and 61 disks at 7 items a page.
        #expect(pages >= 15 && pages <= 19, "\(pages) pages")
        for cluster in (0..<20).map({ "c\($0)" }) + ["lonely"] {
            let expected = try await perCluster(cloud, cluster, loadBalancers: lbs)
            #expect(sorted(swept[cluster] ?? ClusterInventory()) == sorted(expected), "cluster \(cluster)")
        }
        #expect(swept["lonely"]?.vms.isEmpty == true && swept["lonely"]?.disks.count == 1)
        #expect(swept["nothing"] == nil)
        #expect(swept.count == 21)
    }

    @Test func pagesEndAndAnUnknownTokenIsRefused() async throws {
        let cloud = try open()
        let empty = try await cloud.inventoryPage(loadBalancers: [], pageToken: nil)
        #expect(empty == InventoryPage(), "an empty cloud is one empty, last page")
        try await populate(cloud, clusters: 2)
        var tokens: [String] = []
        var token: String?
        repeat {
            let page = try await cloud.inventoryPage(loadBalancers: ["c0-api"], pageToken: token)
            #expect(page.vms.count + page.disks.count <= 7)
            #expect(page.members["c1-api"] == nil, "members only of the LBs asked for")
            token = page.nextToken
            if let token { tokens.append(token) }
        } while token != nil
        // 6 VMs and then the first disk fill page one; the other 5 disks, page two.
        #expect(tokens == ["disk:1"])
        await expectProviderError(.terminal, ProviderError.invalidParameter) {
            _ = try await cloud.inventoryPage(loadBalancers: [], pageToken: "instance:3")
        }
    }

    @Test func aSweepIsAFewReadsNotFourPerCluster() async throws {
        let cloud = try SimCloud(path: sandbox.statePath)
        try await populate(cloud, clusters: 20)
        try await cloud.console.resetCalls()
        _ = try await cloud.observeAll(loadBalancers: Set((0..<20).map { "c\($0)-api" }))
        let calls = try await cloud.console.calls()
        #expect(calls.map(\.operation) == [.inventoryPage])
        #expect(calls.first?.calls == 1, "120 items fit one page of 1,000")
    }
}

/// SplitMix64, so the breakage is the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
