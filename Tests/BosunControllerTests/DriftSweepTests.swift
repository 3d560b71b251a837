@testable import BosunController
import BosunPlanner
import BosunProvider
import BosunSim
import BosunStore
import Foundation
import Logging
import Testing

/// The drift sweep on real Store and SimCloud files: one inventory sweep finds exactly the
/// clusters broken behind the controller's back, and agrees with per-cluster observation.
@Suite struct DriftSweepTests {
    let root: String
    let store: Store
    let sim: SimCloud
    let reconciler: Reconciler
    let handle: ProviderHandle
    static let clusters = (0..<20).map { String(format: "d%02d", $0) }

    init() async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-sweep-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/specs", withIntermediateDirectories: true)
        for name in Self.clusters {
            let spec = """
                name: \(name)
                provider: sim
                image: img-1
                kubernetes: { version: "1.31.2" }
                groups:
                  - name: worker
                    instances: 2
                    azs: [z1]
                    vmType: small
                    disk: { size: 1GiB, type: standard }
                    loadBalancer: \(name)-api
                    jobs: [kubelet]

                """
            try spec.write(toFile: "\(root)/specs/\(name).yaml", atomically: true, encoding: .utf8)
        }
        store = try Store(path: root + "/s.db")
        // Pages of 5 items: 40 VMs and 40 disks take 17 pages, and clusters straddle them.
        sim = try SimCloud(path: root + "/sim.db", inventoryPageSize: 5)
        _ = try await Ingester(store: store, directory: root + "/specs").settledPass(maxWait: .seconds(10), poll: .milliseconds(20))
        var policy = ExecutionPolicy()
        policy.workers = 4
        policy.pollInterval = .milliseconds(5)
        handle = ProviderHandle(infrastructure: sim, agent: sim, bucket: TokenBucket(ratePerSecond: nil))
        reconciler = Reconciler(
            store: store, providers: ProviderRegistry([.sim: handle]), pool: WorkerPool(capacity: 4), policy: policy,
            random: RandomSource(seed: 3), ids: { UUID().uuidString }, owner: LeaseOwner.name(role: "test"), stop: StopSignal(),
            logger: Logger(label: "test"))
    }

    func convergeAll() async throws {
        for name in Self.clusters {
            var outcome = await reconciler.reconcile(name)
            for _ in 0..<20 {
                if case .converged = outcome { break }
                outcome = await reconciler.reconcile(name)
            }
            guard case .converged = outcome else {
                Issue.record("\(name) did not converge: \(outcome)")
                throw CancellationError()
            }
        }
    }

    /// Drains what the sweep queued.
    func queued(_ service: ControllerService) async -> Set<String> {
        var out = Set<String>()
        for _ in 0..<(await service.queue.depth) {
            guard let key = await service.queue.next() else { break }
            out.insert(key)
            await service.queue.done(key)
        }
        return out
    }

    func normalized(_ observed: Observed) -> Observed {
        var out = observed
        out.vms.sort { $0.id < $1.id }
        out.disks.sort { $0.id < $1.id }
        // Running agents heartbeat at the moment of each read; compare what they report instead.
        out.health = out.health.mapValues { NodeHealth(vmID: $0.vmID, jobs: $0.jobs, lastHeartbeat: nil) }
        out.observedAt = nil
        return out
    }

    @Test func theSweepQueuesExactlyTheClustersThatDrifted() async throws {
        try await convergeAll()
        let service = ControllerService(reconciler: reconciler, driftInterval: nil, logger: Logger(label: "test"))

        // The store's one-read query names the same load balancers as each cluster's state.
        let targets = try store.sweepTargets()
        #expect(targets.map(\.cluster) == Self.clusters)
        for target in targets {
            #expect(target.loadBalancers == (try store.clusterState(target.cluster)?.loadBalancers))
            #expect(!target.healOverride)
        }

        // Settled clusters are not queued.
        try await sim.console.resetCalls()
        await service.sweep()
        #expect(await queued(service).isEmpty)
        let calls = try await sim.console.calls()
        #expect(calls.map(\.operation) == [.inventoryPage], "one sweep, no per-cluster call: \(calls)")

        // One breakage each in 8 clusters, chosen and applied from a fixed seed.
        var rng = SplitMixGenerator(seed: 11)
        var broken = Set<String>()
        for name in Self.clusters.shuffled(using: &rng).prefix(8) {
            let vms = try await sim.listVMs(cluster: name)
            let vm = try #require(vms.randomElement(using: &rng))
            switch broken.count % 5 {
            case 0: try await sim.console.kill(vm: vm.id)
            case 1: try await sim.console.stop(vm: vm.id)
            case 2:
                let disk = try #require(try await sim.listDisks(cluster: name).first { $0.attachedTo == vm.id })
                try await sim.console.detach(disk: disk.id)
            case 3: try await sim.console.deregister(lb: "\(name)-api", vm: vm.id)
            default: try await sim.console.failJob(vm: vm.id, job: "kubelet")
            }
            broken.insert(name)
        }

        // Bulk and per-cluster observation agree for every cluster, broken or not.
        let lbs = Dictionary(uniqueKeysWithValues: targets.map { ($0.cluster, $0.loadBalancers) })
        let bulk = try await Observer.observeAll(handle: handle, loadBalancers: lbs)
        #expect(Set(bulk.keys) == Set(Self.clusters))
        for name in Self.clusters {
            let one = try await Observer(handle: handle, cluster: name).observe(loadBalancers: lbs[name] ?? [])
            #expect(normalized(try #require(bulk[name])) == normalized(one), "cluster \(name)")
            #expect(bulk[name]?.observedAt != nil)
        }
        #expect(reconciler.drifted(observations: bulk) == broken)

        await service.sweep()
        #expect(await queued(service) == broken)

        // Healed clusters settle again and drop out; a heal override is queued though settled.
        for name in broken { _ = await reconciler.reconcile(name) }
        try await convergeAll()
        try store.requestHealOverride(cluster: "d03")
        await service.sweep()
        #expect(await queued(service) == ["d03"])
    }

    /// A page that fails is retried on its own; an inventory that cannot be read queues nothing
    /// (the scheduled passes still run) rather than everything.
    @Test func failedPagesAreRetriedAndAnUnreadableInventoryQueuesNothing() async throws {
        try await convergeAll()
        let victim = try #require(try await sim.listVMs(cluster: "d07").first)
        try await sim.console.stop(vm: victim.id)
        try await sim.console.resetCalls()
        #expect(await DriftSweep(reconciler: reconciler).drifted(try store.sweepTargets()) == ["d07"])
        let clean = try #require(try await sim.console.calls(reset: true).first { $0.operation == .inventoryPage })
        _ = try await sim.console.configure { $0.seed = 5; $0.overrides[.inventoryPage] = SimFaults(errorRate: 0.3) }
        #expect(await DriftSweep(reconciler: reconciler).drifted(try store.sweepTargets()) == ["d07"])
        let pages = try #require(try await sim.console.calls().first { $0.operation == .inventoryPage })
        #expect(pages.errors > 0 && pages.calls == clean.calls + pages.errors, "each failed page retried alone: \(pages), clean \(clean)")

        _ = try await sim.console.configure { $0.overrides[.inventoryPage] = SimFaults(terminalRate: 1) }
        #expect(await DriftSweep(reconciler: reconciler).drifted(try store.sweepTargets()).isEmpty)
    }

    /// The path a provider without `InventoryProvider` takes, and the benchmark's comparison.
    @Test func withoutTheInventoryEveryClusterIsObservedOnItsOwn() async throws {
        try await convergeAll()
        let victim = try #require(try await sim.listVMs(cluster: "d05").first)
        try await sim.console.kill(vm: victim.id)
        try await sim.console.resetCalls()
        let targets = try store.sweepTargets()
        let drifted = await DriftSweep(reconciler: reconciler, bulk: false).drifted(targets)
        #expect(drifted == ["d05"])
        let calls = try await sim.console.calls()
        #expect(!calls.contains { $0.operation == .inventoryPage })
        #expect(calls.first { $0.operation == .listVMs }?.calls == Self.clusters.count)
    }
}

/// SplitMix64, so the breakage is the same on every run.
struct SplitMixGenerator: RandomNumberGenerator {
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
