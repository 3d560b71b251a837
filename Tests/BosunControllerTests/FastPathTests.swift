import BosunController
import BosunModel
import BosunProvider
import BosunSim
import BosunSpec
import BosunStore
import Foundation
import Logging
import Testing

/// The no-op fast path never skips a cluster that changed: seeded random changes to the cloud,
/// the spec and the records, each of which must make `isUnchanged` false until a full pass has
/// settled the cluster again. Real state and sim files.
@Suite struct FastPathTests {
    static func spec(workers: Int, version: String) -> String {
        """
        name: c
        provider: sim
        image: img-1
        kubernetes: { version: "\(version)" }
        healing: { meltdown: { minDown: 100, percent: 100 } }
        groups:
          - name: master
            instances: 3
            azs: [z1, z2, z3]
            vmType: small
            disk: { size: 1GiB }
            loadBalancer: c-api
            jobs: [etcd, kubelet]
          - name: worker
            instances: \(workers)
            azs: [z1, z2]
            vmType: small
            disk: { size: 1GiB }
            jobs: [kubelet]

        """
    }

    /// A state database, a sim cloud and a reconciler over them, in a new directory with an
    /// empty `specs/`: fast polls and retries, no rate limit.
    static func world(seed: Int, prefix: String) throws -> (dir: String, store: Store, sim: SimCloud, reconciler: Reconciler) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/specs", withIntermediateDirectories: true)
        let store = try Store(path: dir + "/s.db")
        let sim = try SimCloud(path: dir + "/sim.db")
        var policy = ExecutionPolicy()
        policy.pollInterval = .milliseconds(2)
        policy.retry = RetryPolicy(base: .milliseconds(1), cap: .milliseconds(5), maxAttempts: 8)
        let reconciler = Reconciler(
            store: store,
            providers: ProviderRegistry([.sim: ProviderHandle(infrastructure: sim, agent: sim, bucket: TokenBucket(ratePerSecond: nil))]),
            pool: WorkerPool(capacity: 8), policy: policy, random: RandomSource(seed: UInt64(seed)), ids: { UUID().uuidString },
            owner: "test@\(prefix)", stop: StopSignal(), logger: Logger(label: "test"))
        return (dir, store, sim, reconciler)
    }

    @Test(arguments: 0..<6)
    func neverSkipsAClusterThatChanged(seed: Int) async throws {
        let (dir, store, sim, reconciler) = try Self.world(seed: seed, prefix: "bosun-fast")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ingester = Ingester(store: store, directory: dir + "/specs", settle: 0)
        var workers = 2
        var version = 1
        func publish() throws {
            try Self.spec(workers: workers, version: "1.31.\(version)").write(toFile: dir + "/specs/c.yaml", atomically: true, encoding: .utf8)
        }
        func converge() async throws {
            for _ in 0..<30 {
                if case .converged = await reconciler.reconcile("c", fastPath: true) { return }
            }
            Issue.record("did not converge (seed \(seed))")
        }
        try publish()
        try await ingester.pass()
        try await converge()
        #expect(await reconciler.isUnchanged("c"), "a settled cluster takes the fast path")

        var rng = SplitMix64(seed: UInt64(seed) &+ 99)
        for step in 0..<14 {
            let vms = try await sim.console.vms(cluster: "c").map(\.vm).filter { $0.group != "rogue" }
            let vm = vms[Int(rng.next() % UInt64(vms.count))]
            let what = rng.next() % 10
            switch what {
            case 0: try await sim.console.kill(vm: vm.id)
            case 1: try await sim.console.stop(vm: vm.id)
            case 2: try await sim.console.failJob(vm: vm.id, job: "kubelet")
            case 3:
                let disk = try #require(try await sim.console.disks(cluster: "c").first { $0.attachedTo == vm.id })
                try await sim.console.detach(disk: disk.id)
            case 4:
                let master = try #require(vms.first { $0.group == "master" })
                try await sim.console.deregister(lb: "c-api", vm: master.id)
            case 5:
                workers = workers == 2 ? 3 : 2
                try publish()
                try await ingester.pass()
            case 6:
                version += 1
                try publish()
                try await ingester.pass()
            case 7:
                try store.requestHealOverride(cluster: "c")
            case 8:
                _ = try await sim.console.rogue(cluster: "c")
            default:
                // Nothing changed: the fast path must still be taken.
                #expect(await reconciler.isUnchanged("c"), "unchanged cluster, step \(step), seed \(seed)")
                continue
            }
            #expect(await !reconciler.isUnchanged("c"), "change \(what) at step \(step) was not seen (seed \(seed))")
            try await converge()
            if what == 7 { _ = try store.takeHealOverride(cluster: "c") }
            if what == 8 {
                // A rogue VM stays (only reported); once settled with it, the cluster is unchanged.
                _ = await reconciler.reconcile("c")
            }
            #expect(await reconciler.isUnchanged("c"), "settled again after change \(what) (seed \(seed))")
        }
        try? sim.close()
        try? store.close()
    }
}
