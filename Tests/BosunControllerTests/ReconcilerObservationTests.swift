import BosunController
import BosunProvider
import BosunStore
import Foundation
import Logging
import Synchronization
import Testing

/// `Reconciler` against a provider whose reads can be made to fail: a pass that cannot observe
/// plans and changes nothing, reports once per streak and is retryable.
@Suite struct ReconcilerObservationTests {
    /// Reads return an empty cloud unless `failure` is set; every write fails terminally and is
    /// counted, so a test sees whether a pass tried to act.
    final class FlakyCloud: InfrastructureProvider, NodeAgent {
        let failure = Mutex<ProviderError?>(nil)
        let writes = Atomic<Int>(0)
        /// What every write fails with.
        let writeFailure = Mutex(ProviderError(.terminal, code: "ReadOnly", message: "this fake cloud makes nothing"))
        /// Each `createVM` asked for: its key, and whether the caller said the key was new.
        let creates = Mutex<[(key: String, isNew: Bool)]>([])
        var name: String { "flaky" }

        private func read<T>(_ value: T) throws(ProviderError) -> T {
            if let error = failure.withLock({ $0 }) { throw error }
            return value
        }

        private func write() throws(ProviderError) -> Never {
            writes.add(1, ordering: .relaxed)
            throw writeFailure.withLock { $0 }
        }

        func listVMs(cluster: String) async throws -> [VM] { try read([]) }
        func listDisks(cluster: String) async throws -> [Disk] { try read([]) }
        func listMembers(lb: String) async throws -> [String] { try read([]) }
        func health(cluster: String) async throws -> [String: NodeHealth] { try read([:]) }
        func createVM(_ request: VMRequest) async throws -> VM {
            creates.withLock { $0.append((request.idempotencyKey, request.keyIsNew)) }
            try write()
        }
        func deleteVM(id: String) async throws { try write() }
        func startVM(id: String) async throws { try write() }
        func stopVM(id: String) async throws { try write() }
        func createDisk(_ request: DiskRequest) async throws -> Disk { try write() }
        func attachDisk(id: String, to vmID: String) async throws { try write() }
        func detachDisk(id: String) async throws { try write() }
        func deleteDisk(id: String) async throws { try write() }
        func resizeDisk(id: String, sizeMiB: Int) async throws { try write() }
        func register(lb: String, vmID: String) async throws { try write() }
        func deregister(lb: String, vmID: String) async throws { try write() }
        func startJobs(vmID: String, jobs: [String]) async throws { try write() }
        func stopJobs(vmID: String) async throws { try write() }
        func restartJobs(vmID: String, jobs: [String]) async throws { try write() }
        func configure(vmID: String, config: NodeConfig) async throws { try write() }
        func configuration(vmID: String) async throws -> NodeConfig? { nil }
    }

    let cloud = FlakyCloud()
    let store: Store
    let reconciler: Reconciler

    init() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-observe-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/specs", withIntermediateDirectories: true)
        let spec = """
            name: demo
            provider: sim
            image: img-1
            kubernetes: { version: "1.31.2" }
            groups:
              - name: worker
                instances: 2
                azs: [z1]
                vmType: small
                jobs: [kubelet]

            """
        try spec.write(toFile: root + "/specs/demo.yaml", atomically: true, encoding: .utf8)
        store = try Store(path: root + "/s.db")
        _ = try await Ingester(store: store, directory: root + "/specs").settledPass(maxWait: .seconds(10), poll: .milliseconds(20))
        var policy = ExecutionPolicy()
        policy.workers = 2
        policy.retry = RetryPolicy(base: .milliseconds(1), cap: .milliseconds(5), maxAttempts: 3)
        reconciler = Reconciler(
            store: store,
            providers: ProviderRegistry([.sim: ProviderHandle(infrastructure: cloud, agent: cloud, bucket: TokenBucket(ratePerSecond: nil))]),
            pool: WorkerPool(capacity: 2), policy: policy, random: RandomSource(seed: 7), ids: { UUID().uuidString },
            owner: LeaseOwner.name(role: "test"), stop: StopSignal(), logger: Logger(label: "test"))
    }

    func events(_ kind: String) throws -> Int { try store.events(cluster: "demo", limit: 1000).filter { $0.kind == kind }.count }

    @Test func anUnobservablePassChangesNothingAndReportsOncePerStreak() async throws {
        #expect(try store.reconcilableClusters() == ["demo"])
        cloud.failure.withLock { $0 = ProviderError(.terminal, code: "AuthFailure", message: "credentials expired") }
        for _ in 0..<3 {
            guard case .unobserved(let message, _) = await reconciler.reconcile("demo") else {
                Issue.record("expected an unobserved pass")
                return
            }
            #expect(message.hasPrefix("could not observe cluster demo: "))
            #expect(message.contains("AuthFailure: credentials expired"))
        }
        let status = try #require(try store.clusterStatuses(name: "demo").first)
        #expect(status.phase == "unknown")
        #expect(status.lastError?.contains("credentials expired") == true)
        #expect(try events("observation-failed") == 1)
        #expect(try events("plan-started") == 0)
        #expect(try store.actionCounts(cluster: "demo").isEmpty, "nothing journaled")
        #expect(cloud.writes.load(ordering: .relaxed) == 0, "nothing attempted")
        // `bosun plan` sees the same failure, as an error naming the cluster.
        await #expect(throws: ObservationFailure.self) { try await reconciler.plan("demo") }

        // The provider answers: the streak ends with one event and planning resumes (here the
        // fake refuses to create, so the pass fails on an action, not on observing).
        cloud.failure.withLock { $0 = nil }
        guard case .failed(let message) = await reconciler.reconcile("demo") else {
            Issue.record("expected the pass to plan and fail on the fake's create")
            return
        }
        #expect(message.contains("ReadOnly"))
        #expect(try events("observation-recovered") == 1)
        #expect(cloud.writes.load(ordering: .relaxed) > 0)
        #expect(try store.clusterStatuses(name: "demo").first?.phase == "failed")

        // A new outage is a new streak: one more event.
        cloud.failure.withLock { $0 = ProviderError(.retryable, code: "ServiceUnavailable", message: "try later") }
        for _ in 0..<2 { _ = await reconciler.reconcile("demo") }
        #expect(try events("observation-failed") == 2)
    }

    /// A key is new only on the first attempt of its journal entry: a retry may follow a
    /// create that happened (a timeout), so the provider must look the key up then.
    @Test func onlyTheFirstAttemptOfACreateSaysItsKeyIsNew() async throws {
        cloud.writeFailure.withLock { $0 = ProviderError(.retryable, code: ProviderError.timeout, message: "no answer") }
        _ = await reconciler.reconcile("demo")
        let creates = cloud.creates.withLock { $0 }
        let byKey = Dictionary(grouping: creates, by: \.key)
        #expect(byKey.count == 2, "one key per missing instance")
        for (key, asks) in byKey {
            #expect(asks.map(\.isNew) == [true, false, false], "\(key)")
        }
    }
}
