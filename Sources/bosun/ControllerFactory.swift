import ArgumentParser
import BosunAWS
import BosunController
import BosunLocal
import BosunModel
import BosunProvider
import BosunSim
import BosunStore
import Foundation
import Logging

/// Builds the pieces every acting command shares: the store, the providers and a reconciler.
struct ControllerFactory {
    let store: Store
    let sim: SimCloud
    let reconciler: Reconciler
    /// AWS API calls of every aws provider this controller built, by action.
    let awsCalls: AWSCallCounter

    /// `progress` receives what passes do as they do it (`bosun apply`'s progress lines).
    init(
        global: GlobalOptions, execution: ExecutionOptions, providers: ProviderOptions, role: String, createStore: Bool = true,
        progress: ProgressSink = ProgressSink(), keyFile: KeyFileOptions? = nil,
        metrics: ControllerMetrics? = nil
    ) throws {
        // Spec validation reads the operator's job catalog from the environment (once).
        if let catalog = providers.local.catalogPath { setenv("BOSUN_JOB_CATALOG", catalog, 1) }
        store = try global.openStore(create: createStore)
        let simPath = providers.simPath(stateDatabase: global.databasePath)
        do {
            sim = try SimCloud(path: simPath)
        } catch {
            Output.error("sim provider: \(error)")
            throw ExitCode.failure
        }
        let policy = execution.policy
        let aws = AWSHandles(bucket: TokenBucket(ratePerSecond: policy.rateLimit))
        awsCalls = aws.calls
        var handles = [ProviderKind.sim: ProviderHandle(infrastructure: sim, agent: sim, bucket: TokenBucket(ratePerSecond: policy.rateLimit))]
        handles[.aws] = aws.sweepHandle()  // for the drift sweep; passes use the spec's region
        // The local provider opens on first use: a controller of sim or aws clusters never
        // creates its directory.
        let local = LocalHandles(options: providers.local, stateDatabase: global.databasePath, bucket: TokenBucket(ratePerSecond: policy.rateLimit))
        let registry = ProviderRegistry(handles, resolvers: [.aws: { try aws.handle(for: $0) }, .local: { try local.handle(for: $0) }])
        let owner = LeaseOwner.name(role: role)
        let seed = UInt64(UInt32(truncatingIfNeeded: getpid())) &* 0x9E37_79B9 &+ UInt64(Date().timeIntervalSince1970 * 1000)
        reconciler = Reconciler(
            store: store, providers: registry, pool: WorkerPool(capacity: policy.workers), policy: policy,
            random: RandomSource(seed: seed), ids: { UUID().uuidString.lowercased() }, owner: owner, stop: StopSignal(),
            logger: Logger(label: "bosun.reconcile"), progress: progress,
            credentials: StoreCredentialSource(store: store, keyPath: KeyFileOptions.path(keyFile, database: store.path)),
            metrics: metrics)
    }

    func close() {
        try? sim.close()
        try? store.close()
    }
}
