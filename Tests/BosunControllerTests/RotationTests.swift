import BosunController
import BosunCredentials
import BosunModel
import BosunSim
import BosunSpec
import BosunStore
import Foundation
import GRDB
import Logging
import Synchronization
import Testing

/// Credential rotation on `sim`, in process: a CA in three phases with the trust invariant
/// checked after every start and restart, a leaf in one, and a crash in each phase resumed.
@Suite(.serialized) struct RotationTests {
    static let spec = """
        name: c
        provider: sim
        image: img-1
        kubernetes: { version: "1.31.2" }
        update: { canaries: 1, maxInFlight: 2 }
        variables:
          - { name: pw, type: password }
          - name: ca
            type: certificate
            options: { is_ca: true, common_name: test-ca }
          - name: tls-master
            type: certificate
            options: { ca: ca, common_name: master, extended_key_usage: [server_auth, client_auth] }
          - name: tls-worker
            type: certificate
            options: { ca: ca, common_name: worker, extended_key_usage: [client_auth] }
        groups:
          - name: master
            instances: 3
            azs: [z1, z2, z3]
            vmType: small
            jobs: [etcd, kube-apiserver]
            properties:
              tls: ((tls-master))
          - name: worker
            instances: 5
            azs: [z1, z2]
            vmType: small
            jobs: [kubelet]
            properties:
              tls: ((tls-worker))
              api-ca: ((tls-master.ca))
              password: ((pw))

        """

    /// Credentials from the store, opened with a fixed key.
    struct Source: CredentialSource {
        let store: Store
        let key: CredentialKey
        func credentials(cluster: String) throws -> CredentialSet { try store.openCredentialSet(cluster: cluster, key: key) }
        func advanceRotation(cluster: String) throws -> String? { try store.advanceRotation(cluster: cluster, key: key) }
        func startRotation(cluster: String, name: String, trigger: String) throws -> String {
            try store.startRotation(cluster: cluster, name: name, key: key, trigger: trigger).rotation.status
        }
    }

    struct World {
        let dir: String
        let store: Store
        let sim: SimCloud
        let key: CredentialKey

        func reconciler(progress: ProgressSink = ProgressSink()) -> Reconciler {
            var policy = ExecutionPolicy()
            policy.pollInterval = .milliseconds(2)
            policy.retry = RetryPolicy(base: .milliseconds(1), cap: .milliseconds(5), maxAttempts: 8)
            return Reconciler(
                store: store,
                providers: ProviderRegistry([.sim: ProviderHandle(infrastructure: sim, agent: sim, bucket: TokenBucket(ratePerSecond: nil))]),
                pool: WorkerPool(capacity: 8), policy: policy, random: RandomSource(seed: 7), ids: { UUID().uuidString },
                owner: "test@rotation", stop: StopSignal(), logger: Logger(label: "test"), progress: progress,
                credentials: Source(store: store, key: key))
        }

        /// Every VM's configuration as the sim keeps it, read straight from its file.
        func configs() throws -> [(vm: String, json: [String: Any])] {
            // The sim writes meanwhile: opening may meet its lock, so wait for it as Bosun does.
            var config = Configuration()
            config.busyMode = .timeout(10)
            config.readonly = true
            let queue = try DatabaseQueue(path: dir + "/sim.db", configuration: config)
            defer { try? queue.close() }
            return try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT vm_id, config FROM node_configs ORDER BY vm_id").map { row in
                    let json = try JSONSerialization.jsonObject(with: Data((row["config"] as String).utf8)) as? [String: Any] ?? [:]
                    return ("vm-\(row["vm_id"] as Int64)", json)
                }
            }
        }
    }

    static func world(spec: String = Self.spec, generator: CredentialGenerator = CredentialGenerator()) async throws -> World {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-rotation-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/specs", withIntermediateDirectories: true)
        try spec.write(toFile: dir + "/specs/c.yaml", atomically: true, encoding: .utf8)
        let store = try Store(path: dir + "/s.db")
        try await Ingester(store: store, directory: dir + "/specs", settle: 0).pass()
        let key = try CredentialKey.create(path: dir + "/bosun.key")
        let desired = try #require(try store.desiredSpec("c"))
        #expect(try store.ensureCredentials(for: desired, key: key, generator: generator).count == 4)
        return World(dir: dir, store: store, sim: try SimCloud(path: dir + "/sim.db"), key: key)
    }

    /// Passes until the cluster converges with no rotation in flight; false if it does not.
    static func settle(_ reconciler: Reconciler, _ store: Store, passes: Int = 60) async throws -> Bool {
        for _ in 0..<passes {
            if case .converged = await reconciler.reconcile("c"), try store.rotationInFlight(cluster: "c") == nil { return true }
        }
        return false
    }

    @Test func aCARotatesInThreePhasesWithNoMomentOfDistrustAndThreeRestartsPerInstance() async throws {
        let world = try await Self.world()
        defer { try? FileManager.default.removeItem(atPath: world.dir) }
        #expect(try await Self.settle(world.reconciler(), world.store))
        let check = TrustCheck(dir: world.dir)
        let problems = Mutex<[String]>([])
        let checks = Mutex(0)
        let progress = ProgressSink { event in
            guard case .finished(_, _, let action, true) = event, action.hasPrefix("restart jobs") || action.hasPrefix("start jobs") else { return }
            do {
                let found = try check.failures(try world.configs())
                problems.withLock { $0 += found }
                checks.withLock { $0 += 1 }
            } catch {
                problems.withLock { $0.append("check failed: \(error)") }
            }
        }
        let start = try world.store.startRotation(cluster: "c", name: "ca", key: world.key)
        #expect(!start.resumed && start.rotation.kind == "ca" && start.rotation.phase == 1 && start.rotation.toVersion == 2)
        let began = Date()
        #expect(try await Self.settle(world.reconciler(progress: progress), world.store))
        let seconds = Date().timeIntervalSince(began)
        #expect(problems.withLock { $0 }.isEmpty, "\(problems.withLock { $0 })")
        #expect(checks.withLock { $0 } == 24, "one check per restart: 8 instances × 3 phases")

        let restarts = try world.store.restartsPerInstance(cluster: "c", since: start.rotation.startedAt)
        #expect(restarts.count == 8 && restarts.values.allSatisfy { $0 == 3 }, "\(restarts)")
        let rows = try world.store.credentialRows(cluster: "c", allVersions: true)
        func version(_ name: String, _ v: Int) -> CredentialRow? { rows.first { $0.name == name && $0.version == v } }
        #expect(version("ca", 1)?.transitional == false && version("ca", 2)?.transitional == false)
        #expect(version("tls-master", 2) != nil && version("tls-worker", 2) != nil && version("pw", 2) == nil)
        let finished = try #require(try world.store.rotations(cluster: "c").first)
        #expect(finished.finishedAt != nil && finished.phase == 3 && finished.status == "finished")
        // After the rotation: every node trusts only the new CA, and every leaf is signed by it.
        let configs = try world.configs()
        #expect(configs.count == 8)
        #expect(try check.failures(configs).isEmpty)
        let opened = try world.store.openCredentialSet(cluster: "c", key: world.key)
        let newCA = try #require(opened.active("ca")?.secret?["certificate"])
        for (vm, json) in configs {
            let tls = try #require((json["properties"] as? [String: Any])?["tls"] as? [String: String])
            #expect(tls["ca"] == newCA, "\(vm) trusts only the new CA")
        }
        let kinds = try world.store.events(cluster: "c", limit: 200).map(\.kind)
        #expect(kinds.filter { $0 == "rotation-phase" }.count == 2 && kinds.contains("rotation-started") && kinds.contains("rotation-finished"))
        print("CA rotation on sim, 3 masters + 5 workers: \(String(format: "%.2f", seconds)) s, restarts per instance \(Set(restarts.values))")
    }

    @Test func theTrustCheckCatchesANodeThatDistrustsAnother() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-trust-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let generator = CredentialGenerator()
        let caSpec = VariableSpec(name: "ca", type: .certificate, certificate: CertificateOptions(
            isCA: true, ca: nil, commonName: "test-ca", organization: nil, alternativeNames: [], extendedKeyUsage: [], keyUsage: [],
            durationDays: 365, keyType: .ecdsa))
        let leafSpec = VariableSpec(name: "leaf", type: .certificate, certificate: CertificateOptions(
            isCA: false, ca: "ca", commonName: "leaf", organization: nil, alternativeNames: [], extendedKeyUsage: [], keyUsage: [],
            durationDays: 365, keyType: .ecdsa))
        let old = try generator.generate(caSpec, signer: nil), new = try generator.generate(caSpec, signer: nil)
        let leaf = try generator.generate(leafSpec, signer: new)
        func node(_ certificate: String?, _ bundle: String) -> [String: Any] {
            var tls: [String: Any] = ["ca": bundle]
            if let certificate { tls["certificate"] = certificate }
            return ["properties": ["tls": tls]]
        }
        let oldPEM = old.secret["certificate"]!, newPEM = new.secret["certificate"]!
        let check = TrustCheck(dir: dir)
        let distrust = try check.failures([("vm-1", node(leaf.secret["certificate"], newPEM)), ("vm-2", node(nil, oldPEM))])
        #expect(distrust.count == 1 && distrust[0].contains("vm-1") && distrust[0].contains("vm-2"), "\(distrust)")
        #expect(try check.failures([("vm-1", node(leaf.secret["certificate"], newPEM)), ("vm-2", node(nil, oldPEM + newPEM))]).isEmpty)
    }

    @Test func anExpiringCertificateIsAFindingAndAutoRotateRenewsItsCAAndEverythingItSigns() async throws {
        // Ten-day certificates issued 9.5 days ago, a 9-day notice, automatic rotation.
        let spec = Self.spec
            .replacingOccurrences(of: "options: { is_ca: true, common_name: test-ca }", with: "options: { is_ca: true, common_name: test-ca, duration: 10 }")
            .replacingOccurrences(of: "common_name: master,", with: "common_name: master, duration: 10,")
            .replacingOccurrences(of: "common_name: worker,", with: "common_name: worker, duration: 10,")
            .replacingOccurrences(of: "update: { canaries: 1, maxInFlight: 2 }", with: "update: { canaries: 1, maxInFlight: 2 }\ncredentials: { rotateBefore: 9d, autoRotate: true }")
        let world = try await Self.world(spec: spec, generator: CredentialGenerator(now: { Date().addingTimeInterval(-9.5 * 86_400) }))
        defer { try? FileManager.default.removeItem(atPath: world.dir) }
        let first = await world.reconciler().reconcile("c")
        guard case .progressed = first else { Issue.record("\(first)"); return }
        let open = try world.store.findings(cluster: "c").filter { $0.kind == "certificate-expiring" }.map(\.resource)
        #expect(Set(open) == ["ca@v1", "tls-master@v1", "tls-worker@v1"], "\(open)")
        let started = try #require(try world.store.rotationInFlight(cluster: "c"))
        #expect(started.name == "ca" && started.trigger == "expiry", "the CA first: rotating it renews what it signs")
        #expect(try await Self.settle(world.reconciler(), world.store))
        #expect(try world.store.findings(cluster: "c").filter { $0.kind == "certificate-expiring" }.isEmpty, "renewed")
        let events = try world.store.events(cluster: "c", limit: 500)
        #expect(events.filter { $0.kind == "certificate-expiring" }.count == 3)
        #expect(events.contains { $0.kind == "finding-resolved" && $0.message.hasPrefix("certificate-expiring tls-worker@v1") })
        #expect(try world.store.rotations(cluster: "c").count == 1, "one rotation renewed all three")
        #expect(try TrustCheck(dir: world.dir).failures(try world.configs()).isEmpty)
    }

    @Test func aLeafRotatesInOnePhaseRestartingOnlyTheGroupsThatUseIt() async throws {
        let world = try await Self.world()
        defer { try? FileManager.default.removeItem(atPath: world.dir) }
        #expect(try await Self.settle(world.reconciler(), world.store))
        let start = try world.store.startRotation(cluster: "c", name: "pw", key: world.key)
        #expect(start.rotation.kind == "leaf" && start.rotation.phases == 1)
        #expect(try await Self.settle(world.reconciler(), world.store))
        let restarts = try world.store.restartsPerInstance(cluster: "c", since: start.rotation.startedAt)
        #expect(Set(restarts.keys) == Set((0..<5).map { "c/worker/\($0)" }) && restarts.values.allSatisfy { $0 == 1 }, "\(restarts)")
        // The workers got the new password.
        let pw = try #require(try world.store.openCredential(cluster: "c", name: "pw", key: world.key)?.secret["password"])
        for (_, json) in try world.configs() where (json["identity"] as? [String: Any])?["group"] as? String == "worker" {
            #expect((json["properties"] as? [String: Any])?["password"] as? String == pw)
        }
    }

    @Test(arguments: [1, 2, 3])
    func aCrashInEachPhaseResumesToCompletion(phase: Int) async throws {
        let world = try await Self.world()
        defer { try? FileManager.default.removeItem(atPath: world.dir) }
        #expect(try await Self.settle(world.reconciler(), world.store))
        let start = try world.store.startRotation(cluster: "c", name: "ca", key: world.key)
        let first = world.reconciler()
        let restarted = Mutex(0)
        // Drive to the phase with one controller, then stop another inside it.
        for _ in 0..<60 {
            guard let flying = try world.store.rotationInFlight(cluster: "c"), flying.phase < phase else { break }
            _ = await first.reconcile("c")
        }
        #expect(try world.store.rotationInFlight(cluster: "c")?.phase == phase)
        let victim = world.reconciler(progress: ProgressSink { event in
            guard case .finished(_, _, let action, true) = event, action.hasPrefix("restart jobs") else { return }
            restarted.withLock { $0 += 1 }
        })
        let pass = Task { await victim.reconcile("c") }
        try await waitUntil { restarted.withLock { $0 } >= 1 }
        victim.stop.stop()  // a controller going away mid-rollout: in-flight actions finish, the rest parks
        _ = await pass.value
        #expect(try world.store.rotationInFlight(cluster: "c")?.phase == phase, "still in phase \(phase)")
        // A new controller (another process) resumes: the rotation completes.
        let again = try Store(path: world.dir + "/s.db")
        let resumed = RotationTests.World(dir: world.dir, store: again, sim: world.sim, key: world.key)
        #expect(try await Self.settle(resumed.reconciler(), again))
        #expect(try again.rotations(cluster: "c").first?.finishedAt != nil)
        #expect(try TrustCheck(dir: world.dir).failures(try world.configs()).isEmpty)
        let restarts = try again.restartsPerInstance(cluster: "c", since: start.rotation.startedAt)
        #expect(restarts.count == 8 && restarts.values.allSatisfy { $0 >= 3 }, "\(restarts)")
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw TrustCheckError(message: "timed out") }
            try await Task.sleep(for: .milliseconds(2))
        }
    }
}
