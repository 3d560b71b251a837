import BosunStore
import Logging
import ServiceLifecycle
import Synchronization

/// The reconcile half of `bosun run`: one work queue keyed by cluster, fed by spec changes,
/// scheduled passes (`interval` ± 10 % jitter, per cluster), retry timers after failures and an
/// immediate re-check after a plan ran; `concurrency` clusters reconciled at once. On graceful
/// shutdown it stops starting actions, lets in-flight ones finish and parks the rest.
public final class ControllerService: Service, Sendable {
    public let reconciler: Reconciler
    public let queue: WorkQueue
    public let interval: Duration
    public let concurrency: Int
    /// How often every cluster is observed (without planning) to find drift early; nil: never.
    public let driftInterval: Duration?
    private let logger: Logger
    private let sweeper = Mutex<Task<Void, Never>?>(nil)
    /// Consecutive failed passes per cluster, for the retry backoff (shared by all workers).
    private let failures = Mutex<[String: Int]>([:])
    /// Called after every drift sweep, when its transient memory (every cluster's observation)
    /// has just been freed.
    private let afterSweep: @Sendable () -> Void

    /// `afterSweep` runs after every drift sweep (`bosun run` hands freed memory back there).
    public init(
        reconciler: Reconciler, interval: Duration = .seconds(30), driftInterval: Duration? = .seconds(10), concurrency: Int = 32,
        logger: Logger, afterSweep: @escaping @Sendable () -> Void = {}
    ) {
        self.afterSweep = afterSweep
        self.reconciler = reconciler
        if let metrics = reconciler.metrics {
            queue = WorkQueue(waited: { @Sendable priority, waited in metrics.waited(priority: priority.label, duration: waited) })
        } else {
            queue = WorkQueue()
        }
        self.interval = interval
        self.driftInterval = driftInterval
        self.concurrency = concurrency
        self.logger = logger
    }

    /// Queues every cluster a spec change touched (called by the ingest service), ahead of
    /// scheduled passes: an operator waits for it.
    public func enqueue(_ clusters: [String]) async {
        for cluster in clusters { await queue.add(cluster, priority: .high) }
    }

    public func run() async throws {
        // Clusters another process (or this one, before a restart) left settled are settled
        // here too; one sweep now vouches for what they look like, so their first passes take
        // the fast path instead of planning every cluster again.
        let adopted = (try? reconciler.adoptSettled()) ?? 0
        if let driftInterval {
            if adopted > 0 { await sweep() }
            sweeper.withLock { $0 = Task { await self.sweepForever(every: driftInterval) } }
        }
        for cluster in try reconciler.store.reconcilableClusters() { await queue.add(cluster) }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<concurrency {
                    group.addTask { await self.work() }
                }
            }
        } onGracefulShutdown: {
            self.reconciler.stop.stop()
            self.sweeper.withLock { $0?.cancel() }
            Task { await self.queue.shutdown() }
        }
    }

    private func work() async {
        while let cluster = await queue.next() {
            // A cluster a bulk sweep saw as settled within 1.5 intervals is not observed again.
            let outcome = await reconciler.reconcile(cluster, fastPath: true, sweptWithin: driftInterval.map { $0 * 1.5 })
            switch outcome {
            case .converged, .waiting:
                failures.withLock { $0[cluster] = nil }
                await queue.add(cluster, after: jittered(interval))
            case .progressed:
                failures.withLock { $0[cluster] = nil }
                // High: it continues work in progress (a rollout's next batch).
                await queue.add(cluster, priority: .high)
            case .failed(let message), .unobserved(let message, _):
                let n = failures.withLock { f -> Int in
                    f[cluster, default: 0] += 1
                    return f[cluster]!
                }
                let delay = reconciler.policy.retry.delay(afterAttempt: n + 1, unit: 0.5 + reconciler.random.unit() / 2)
                logger.warning("pass failed; retrying", metadata: ["cluster": "\(cluster)", "in": "\(delay)", "error": "\(message)"])
                await queue.add(cluster, after: delay)
            case .busy(let holder, _):
                logger.info("cluster held by another process", metadata: ["cluster": "\(cluster)", "holder": "\(holder)"])
                await queue.add(cluster, after: reconciler.policy.leaseRenewal)
            case .skipped, .parked:
                break
            }
            await queue.done(cluster)
        }
    }

    private func jittered(_ d: Duration) -> Duration {
        .nanoseconds(Int64(d.seconds * (0.9 + 0.2 * reconciler.random.unit()) * 1e9))
    }

    /// Drift detection (`semantics.md`): every `every` (±10 % jitter) each cluster is observed
    /// without planning, and queued at once when what is seen differs from what its last pass
    /// left. Clusters waiting out a retry backoff are skipped: the sweep must not turn a
    /// backoff into a tight loop.
    private func sweepForever(every: Duration) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: jittered(every)) } catch { return }
            await sweep()
        }
    }

    /// One drift sweep over every reconcilable cluster: one inventory sweep per provider that
    /// offers it (`DriftSweep`), else a few clusters at a time; the clusters that drifted, or
    /// that an operator asked to heal, are queued.
    public func sweep() async {
        let start = ContinuousClock.now
        guard let targets = try? reconciler.store.sweepTargets() else { return }
        let backingOff = failures.withLock { Set($0.keys) }
        let drifted = await DriftSweep(reconciler: reconciler).drifted(targets.filter { !backingOff.contains($0.cluster) })
        try? reconciler.store.recordSweep(clusters: targets.filter { !backingOff.contains($0.cluster) }.count)
        // `bosun bench scale` times these lines: each one means every cluster was just observed.
        logger.debug(
            "drift sweep finished",
            metadata: ["clusters": "\(targets.count)", "drifted": "\(drifted.count)", "seconds": "\(((ContinuousClock.now - start).seconds * 1000).rounded() / 1000)"])
        for cluster in drifted.sorted() {
            logger.info("drift found; reconciling now", metadata: ["cluster": "\(cluster)"])
            await queue.add(cluster, priority: .high)
        }
        afterSweep()
    }
}
