import BosunModel
import BosunPlanner
import BosunProvider
import BosunSpec
import BosunStore
import Foundation
import Logging
import Synchronization

/// How one reconcile pass ended.
public enum PassOutcome: Sendable {
    /// The `outcome` label of `bosun_reconcile_passes_total`.
    public var label: String {
        switch self {
        case .converged: "converged"
        case .waiting: "waiting"
        case .progressed: "progressed"
        case .failed: "failed"
        case .unobserved: "unobserved"
        case .busy: "busy"
        case .skipped: "skipped"
        case .parked: "parked"
        }
    }

    /// Nothing to do: the cluster matches its spec (or is fully torn down).
    case converged
    /// Nothing can run now, but changes wait (for unhealthy instances this pass may not heal,
    /// e.g. in a meltdown); the reason names the first.
    case waiting(String)
    /// A plan ran to completion; another pass confirms convergence.
    case progressed(actions: Int)
    /// Some action failed; retried after backoff.
    case failed(String)
    /// The provider could not be observed, so nothing was planned or done; the phase is
    /// `unknown`. Retried after backoff, like `failed`. The message names the cluster and call;
    /// `transient`: the provider's last error was retryable (a later pass may well see it).
    case unobserved(String, transient: Bool)
    /// Another process holds the cluster's lease.
    case busy(holder: String, until: Date)
    /// Not a cluster to reconcile (unknown, orphaned, deleted).
    case skipped(String)
    /// The controller is stopping: `actions` of this pass's actions succeeded, `parked` were
    /// parked for the next pass (the cluster's phase is `pending` again, and its last error
    /// says so).
    case parked(actions: Int, parked: Int)
}

/// One level-triggered reconcile pass over one cluster: lease, recover the journal, observe,
/// plan, execute. Everything it needs is injected.
public final class Reconciler: Sendable {
    public let store: Store
    public let providers: ProviderRegistry
    public let pool: WorkerPool
    public let policy: ExecutionPolicy
    public let random: RandomSource
    public let ids: @Sendable () -> String
    public let owner: String
    public let stop: StopSignal
    /// Where passes report their actions as they start and end (`bosun apply`'s progress).
    public let progress: ProgressSink
    /// Opens credentials to render node configurations; nil where none are available (then a
    /// start whose properties reference one fails, naming why).
    public let credentials: (any CredentialSource)?
    /// What the controller counts (`bosun run --metrics-address`); nil: nothing.
    public let metrics: ControllerMetrics?
    /// Whether lease renewals succeed (`/readyz`).
    public let leases = LeaseHealth()
    /// One timer for the timeouts of every action this reconciler runs.
    let deadlines = ActionDeadlines()
    public let logger: Logger
    /// Per cluster, what the last pass that left it alone (empty plan) observed: the drift
    /// sweep re-plans only when an observation differs from it.
    private let settled = Mutex<[String: ObservationFingerprint]>([:])
    /// Per cluster, the desired and recorded state its last settled pass saw: with the
    /// fingerprint above, the no-op fast path (`isUnchanged`).
    private let settledRecords = Mutex<[String: SettledRecords]>([:])
    /// Per cluster, when a bulk drift sweep last saw it exactly as settled: a scheduled pass
    /// soon after need not observe it again (the next sweep would catch any change).
    private let seenSettled = Mutex<[String: ContinuousClock.Instant]>([:])

    public init(
        store: Store, providers: ProviderRegistry, pool: WorkerPool, policy: ExecutionPolicy, random: RandomSource,
        ids: @escaping @Sendable () -> String, owner: String, stop: StopSignal, logger: Logger, progress: ProgressSink = ProgressSink(),
        credentials: (any CredentialSource)? = nil, metrics: ControllerMetrics? = nil
    ) {
        self.progress = progress
        self.credentials = credentials
        self.metrics = metrics
        var providers = providers
        providers.metrics = metrics
        self.store = store
        self.providers = providers
        self.pool = pool
        self.policy = policy
        self.random = random
        self.ids = ids
        self.owner = owner
        self.stop = stop
        self.logger = logger
    }

    /// Observes and plans without acting or taking the lease (`bosun plan`).
    public func plan(_ cluster: String) async throws -> Plan? {
        try await drift(cluster)?.plan
    }

    /// What observing `cluster` now finds, and the plan a pass would make, without acting,
    /// taking the lease or writing anything (`bosun plan`, `bosun drift`). Nil for a cluster
    /// that is not reconciled. Throws `ObservationFailure` when the provider cannot be read.
    public func drift(_ cluster: String) async throws -> Drift? {
        guard let state = try store.clusterState(cluster), state.lifecycle.isReconciled else { return nil }
        let handle = try providers.handle(for: state.spec)
        let observed = try await Observer(handle: handle, cluster: cluster).observe(loadBalancers: state.loadBalancers)
        return drift(state, observed)
    }

    /// The plan a pass would make for `state` given `observed`, without acting.
    func drift(_ state: ClusterState, _ observed: Observed) -> Drift {
        let goal: PlanGoal = state.lifecycle == .deleting ? .teardown : .converge
        let gate = HealingGate(spec: state.spec, unhealthy: unhealthy(state, observed))
        let mode = goal == .teardown ? .heal : gate.mode(override: false)
        var plan = Planner().plan(
            cluster: state.name, desired: state.spec, goal: goal, observed: observed, recorded: state.recorded, healing: mode)
        if goal == .converge { plan.findings += (try? expiringCertificates(state.spec)) ?? [] }
        return Drift(plan: plan, findings: plan.findings, mode: mode)
    }

    /// Whether `cluster` looks different now from what its last settled pass saw (the drift
    /// sweep). False when it was never settled in this process, or cannot be read now (the
    /// scheduled pass and its retries handle those).
    public func drifted(_ cluster: String) async -> Bool {
        guard let known = settled.withLock({ $0[cluster] }) else { return false }
        do {
            // `bosun heal resume` changes nothing in the cloud, but its pass is due now.
            if try store.healOverrideRequested(cluster: cluster) { return true }
            guard let state = try store.clusterState(cluster), state.lifecycle.isReconciled else { return false }
            let handle = try providers.handle(for: state.spec)
            let observed = try await Observer(handle: handle, cluster: cluster).observe(loadBalancers: state.loadBalancers)
            return fingerprint(observed, state.spec) != known
        } catch {
            return false
        }
    }

    /// The clusters of `observations` (a bulk sweep, `Observer.observeAll`) that look different
    /// from what their last settled pass saw; as `drifted(_:)`, never one that was not settled
    /// in this process. Reads nothing: silence is judged with the timeout each cluster settled with.
    public func drifted(observations: [String: Observed]) -> Set<String> {
        let known = settled.withLock { $0 }
        var out = Set<String>()
        var matched: [String] = []
        for (cluster, observed) in observations {
            guard let before = known[cluster] else { continue }
            let now = ObservationFingerprint(observed, agentTimeout: before.agentTimeout, at: observed.observedAt ?? Date())
            if now != before { out.insert(cluster) } else { matched.append(cluster) }
        }
        let at = ContinuousClock.now
        seenSettled.withLock { seen in for cluster in matched { seen[cluster] = at } }
        return out
    }

    /// Takes the settled marks another process left (`Store.settledClusters`) as this
    /// process's own, so a restarted controller's first passes over clusters nobody changed
    /// take the fast path instead of planning thousands of clusters again. Returns how many.
    @discardableResult
    public func adoptSettled() throws -> Int {
        let marks = try store.settledClusters()
        var adopted = 0
        for (cluster, found) in marks {
            guard let fingerprint = ObservationFingerprint(hex: found.mark.observation, agentTimeout: found.mark.agentTimeout) else { continue }
            settled.withLock { if $0[cluster] == nil { $0[cluster] = fingerprint } }
            let handle = providers.isResolvedPerSpec(found.provider) ? nil : try? providers.handle(found.provider)
            settledRecords.withLock { if $0[cluster] == nil { $0[cluster] = SettledRecords(found, handle: handle) } }
            adopted += 1
        }
        return adopted
    }

    func fingerprint(_ observed: Observed, _ spec: ClusterSpec) -> ObservationFingerprint {
        ObservationFingerprint(observed, agentTimeout: TimeInterval(spec.healing.agentTimeoutSeconds), at: observed.observedAt ?? Date())
    }

    /// Unhealthy instances that count toward a meltdown: only those Bosun had brought up (their
    /// jobs were started). Instances an interrupted apply never finished are unfinished work,
    /// not drift: counting them would let a crash mid-apply freeze the cluster in a meltdown.
    func unhealthy(_ state: ClusterState, _ observed: Observed) -> Int {
        let started = Set(state.recorded.instances.lazy.filter { $0.appliedHash != nil }.map(\.id))
        return Planner.unhealthyInstances(cluster: state.name, desired: state.spec, observed: observed, recorded: state.recorded)
            .intersection(started).count
    }

    /// The no-op fast path: whether desired, recorded and observed state are all as the
    /// cluster's last settled pass left them, so a scheduled pass has nothing to plan and
    /// nothing to write. Reads one row set and observes; takes no lease and writes nothing.
    /// False whenever in doubt (never settled here, an operator's heal request, any error).
    ///
    /// - Parameter sweptWithin: when a drift sweep saw the cluster as settled at most this long
    ///   ago, that observation stands in for a new one (any later change is the next sweep's).
    public func isUnchanged(_ cluster: String, sweptWithin: Duration? = nil) async -> Bool {
        guard let known = settled.withLock({ $0[cluster] }), var records = settledRecords.withLock({ $0[cluster] }) else { return false }
        do {
            // Equal revisions: nothing a pass reads was written since it settled (v0008's
            // triggers), whichever process wrote. Otherwise compare the records themselves: a
            // write that changed nothing that matters (a pruned key moved, say) re-arms the
            // cheap check.
            guard let revision = try store.recordsRevision(cluster) else { return false }
            if revision != records.revision {
                guard let digest = records.digest, let state = try store.clusterState(cluster), state.lifecycle.isReconciled,
                    state.digest == digest, try !store.healOverrideRequested(cluster: cluster)
                else { return false }
                try store.moveSettledMark(cluster: cluster, from: records.revision, to: state.revision)
                records = SettledRecords(state, digest: digest, handle: records.handle ?? (try? providers.handle(for: state.spec)))
                settledRecords.withLock { $0[cluster] = records }
            }
            if let window = sweptWithin, let seen = seenSettled.withLock({ $0[cluster] }), ContinuousClock.now - seen <= window {
                return true
            }
            let handle: ProviderHandle
            if let known = records.handle {
                handle = known
            } else {
                // Adopted from another process for a provider resolved per spec (aws): read it.
                guard let state = try store.clusterState(cluster) else { return false }
                handle = try providers.handle(for: state.spec)
            }
            let observed = try await Observer(handle: handle, cluster: cluster).observe(loadBalancers: records.loadBalancers)
            return ObservationFingerprint(observed, agentTimeout: known.agentTimeout, at: observed.observedAt ?? Date()) == known
        } catch {
            return false
        }
    }

    /// One pass; a scheduled pass over a cluster that is exactly as its last settled pass left
    /// it returns at once (`isUnchanged`), so thousands of converged clusters cost reads, not
    /// plans and write transactions.
    public func reconcile(_ cluster: String, fastPath: Bool = false, sweptWithin: Duration? = nil) async -> PassOutcome {
        guard let metrics else { return await reconcileOnce(cluster, fastPath: fastPath, sweptWithin: sweptWithin) }
        let start = ContinuousClock.now
        let outcome = await reconcileOnce(cluster, fastPath: fastPath, sweptWithin: sweptWithin)
        metrics.pass(outcome.label, duration: ContinuousClock.now - start)
        return outcome
    }

    private func reconcileOnce(_ cluster: String, fastPath: Bool, sweptWithin: Duration?) async -> PassOutcome {
        if fastPath, await isUnchanged(cluster, sweptWithin: sweptWithin) { return .converged }
        // Settled again only if this pass ends with nothing to do.
        settled.withLock { $0[cluster] = nil }
        settledRecords.withLock { $0[cluster] = nil }
        seenSettled.withLock { $0[cluster] = nil }
        do {
            if let holder = try store.acquireLease(
                cluster: cluster, holder: owner, ttl: policy.leaseTTL.seconds, isDead: LeaseOwner.isDeadLocalProcess)
            {
                return .busy(holder: holder.holder, until: holder.expiresAt)
            }
            let renewal = Task { [store, owner, policy, logger, leases] in
                while !Task.isCancelled {
                    try await Task.sleep(for: policy.leaseRenewal)
                    do {
                        if try !store.renewLease(cluster: cluster, holder: owner, ttl: policy.leaseTTL.seconds) {
                            logger.error("lost the lease", metadata: ["cluster": "\(cluster)"])
                            leases.failed("lost the lease of \(cluster) to another process")
                            return
                        }
                    } catch {
                        logger.error("cannot renew the lease", metadata: ["cluster": "\(cluster)", "error": "\(error)"])
                        leases.failed("cannot renew the lease of \(cluster): \(error)")
                        return
                    }
                }
            }
            defer {
                renewal.cancel()
                try? store.releaseLease(cluster: cluster, holder: owner)
            }
            // Read under the lease, so no other process's pass can make the records stale.
            guard let state = try store.clusterState(cluster) else { return .skipped("no cluster named \(cluster)") }
            guard state.lifecycle.isReconciled else { return .skipped("cluster is \(state.lifecycle.rawValue)") }
            return try await pass(state)
        } catch {
            let message = "\(error)"
            try? store.finishPass(cluster: cluster, phase: "failed", error: message, convergedGeneration: nil)
            return .failed(message)
        }
    }

    private func pass(_ state: ClusterState) async throws -> PassOutcome {
        let cluster = state.name
        let handle = try providers.handle(for: state.spec)
        let observer = Observer(handle: handle, cluster: cluster)
        let recovered: Bool
        do {
            recovered = try await JournalRecovery(store: store, provider: handle.infrastructure, cluster: cluster, logger: logger)
                .recover(knownKeys: state.recorded.knownKeys)
        } catch let error as ProviderError {
            // Recovery only calls the provider to list what interrupted creates made.
            return try unobserved(ObservationFailure(cluster: cluster, call: "journal recovery", error: error))
        }
        // Re-read only if recovery changed the records (a scheduled pass usually finds nothing).
        guard let fresh = recovered ? try store.clusterState(cluster) : state else { return .skipped("cluster vanished") }
        let observed: Observed
        do {
            observed = try await observer.observe(loadBalancers: fresh.loadBalancers)
        } catch let failure as ObservationFailure {
            return try unobserved(failure)
        }
        try store.recordObservationRecovered(cluster: cluster)
        try store.refreshInstances(cluster: cluster, observed: observed)
        let goal: PlanGoal = fresh.lifecycle == .deleting ? .teardown : .converge
        let gate = HealingGate(spec: fresh.spec, unhealthy: unhealthy(fresh, observed))
        var mode = HealingMode.heal
        if goal == .converge {
            try store.recordMeltdown(cluster: cluster, active: gate.meltdown, message: gate.meltdown ? gate.meltdownMessage : gate.recoveredMessage)
            mode = gate.mode(override: gate.meltdown ? try store.takeHealOverride(cluster: cluster) : false)
        }
        var plan = Planner().plan(cluster: cluster, desired: fresh.spec, goal: goal, observed: observed, recorded: fresh.recorded, healing: mode)
        let expiring = goal == .converge ? try expiringCertificates(fresh.spec) : []
        plan.findings += expiring
        try record(plan, mode: mode, cluster: cluster)
        if fresh.spec.credentialPolicy.autoRotate, let first = expiring.first { autoRotate(cluster, first) }
        if plan.isEmpty {
            if goal == .teardown {
                try store.markDeleted(cluster: cluster)
            }
            settled.withLock { $0[cluster] = fingerprint(observed, fresh.spec) }
            settledRecords.withLock { $0[cluster] = SettledRecords(fresh, digest: fresh.digest, handle: handle) }
            if let first = plan.deferred.first {
                // Changes wait for unhealthy instances that this pass may not heal: not converged.
                let more = plan.deferred.count > 1 ? " (and \(plan.deferred.count - 1) more)" : ""
                try store.finishPass(
                    cluster: cluster, phase: gate.meltdown && goal == .converge ? "meltdown" : "reconciling",
                    error: "\(first.instance): \(first.reason)\(more)", convergedGeneration: nil)
                return .waiting("\(first.instance): \(first.reason)\(more)")
            }
            let leftAlone = plan.findings.count
            switch mode {
            case .suppressed(let reason) where leftAlone > 0:
                try store.finishPass(
                    cluster: cluster, phase: gate.meltdown ? "meltdown" : "converged",
                    error: "\(leftAlone) finding(s) left alone: \(reason) (bosun drift \(cluster))", convergedGeneration: fresh.generation)
            default:
                // Nothing to do and nothing found: another process may take this as settled.
                let mark = leftAlone > 0 || goal == .teardown ? nil : SettledMark(
                    revision: fresh.revision, observation: fingerprint(observed, fresh.spec).hex,
                    agentTimeout: TimeInterval(fresh.spec.healing.agentTimeoutSeconds), loadBalancers: fresh.loadBalancers)
                try store.finishPass(cluster: cluster, phase: "converged", error: nil, convergedGeneration: fresh.generation, settled: mark)
            }
            if goal == .converge, fresh.spec.variables?.isEmpty == false, let advanced = advanceRotation(cluster) {
                logger.info("credential rotation advanced", metadata: ["cluster": "\(cluster)", "step": "\(advanced)"])
                return .progressed(actions: 0)  // the next pass rolls the new phase out
            }
            return .converged
        }
        let planID = ids()
        let journalIDs = try store.journal(plan: plan, planID: planID)
        logger.info("executing plan", metadata: ["cluster": "\(cluster)", "plan": "\(planID)", "actions": "\(plan.actions.count)"])
        let executor = PlanExecutor(
            cluster: cluster,
            runner: ActionRunner(
                cluster: cluster, provider: handle.infrastructure, agent: handle.agent, policy: policy,
                configs: NodeConfigRenderer(spec: fresh.spec, book: AddressBook(vms: observed.vms), credentials: credentials),
                handle: handle),
            store: store, pool: pool, bucket: handle.bucket, policy: policy, deadlines: deadlines, random: random, owner: owner,
            stop: stop, logger: logger,
            progress: progress, metrics: metrics)
        let result = await executor.execute(plan, journalIDs: journalIDs, planID: planID)
        if let first = result.failed.first {
            let more = result.failed.count > 1 ? " (and \(result.failed.count - 1) more)" : ""
            let message = "\(first.action.kind.name) \(first.action.instance ?? cluster): \(first.error)\(more)"
            try store.finishPass(cluster: cluster, phase: "failed", error: message, convergedGeneration: nil)
            return .failed(message)
        }
        if result.parked > 0 {
            // Interrupted: not reconciling any more, and not converged either.
            try store.finishPass(
                cluster: cluster, phase: "pending",
                error: "interrupted: \(result.succeeded) of \(plan.actions.count) actions done, \(result.parked) parked; the next pass re-plans the rest",
                convergedGeneration: nil)
            return .parked(actions: result.succeeded, parked: result.parked)
        }
        return .progressed(actions: result.succeeded)
    }

    /// `certificate-expiring` findings: active certificate versions that expire within the
    /// spec's `credentials.rotateBefore`, CAs first (rotating one re-issues what it signs).
    func expiringCertificates(_ spec: ClusterSpec) throws -> [Finding] {
        guard spec.variables?.isEmpty == false else { return [] }
        let before = Date().addingTimeInterval(TimeInterval(spec.credentialPolicy.rotateBeforeSeconds))
        let cas = Set((spec.variables ?? []).filter { $0.certificate?.isCA == true }.map(\.name))
        return try store.expiringCertificates(cluster: spec.name, before: before)
            .sorted { (cas.contains($0.name) ? 0 : 1, $0.notAfter, $0.name) < (cas.contains($1.name) ? 0 : 1, $1.notAfter, $1.name) }
            .map { c in
                Finding(
                    kind: .certificateExpiring, instance: nil, resource: "\(c.name)@v\(c.version)",
                    message: "certificate \(c.name) v\(c.version) expires at \(c.notAfter) UTC; `bosun creds rotate \(spec.name) \(c.name)` renews it")
            }
    }

    /// Starts rotating an expiring certificate (`credentials.autoRotate`) unless a rotation is
    /// in flight; a failure is logged and recorded, and the finding stays open.
    private func autoRotate(_ cluster: String, _ finding: Finding) {
        guard let credentials, let name = finding.resource.split(separator: "@").first.map(String.init) else { return }
        do {
            guard try store.rotationInFlight(cluster: cluster) == nil else { return }
            let started = try credentials.startRotation(cluster: cluster, name: name, trigger: "expiry")
            logger.info("credential rotation started", metadata: ["cluster": "\(cluster)", "step": "\(started)"])
        } catch {
            logger.error("credential rotation cannot start", metadata: ["cluster": "\(cluster)", "error": "\(error)"])
            try? store.recordEvent(cluster: cluster, kind: "rotation-blocked", message: "\(error)")
        }
    }

    /// Moves a credential rotation on after a clean converged pass. A failure (a missing key)
    /// is logged and recorded; the cluster stays converged on the current phase.
    private func advanceRotation(_ cluster: String) -> String? {
        guard let credentials else { return nil }
        do {
            return try credentials.advanceRotation(cluster: cluster)
        } catch {
            logger.error("credential rotation cannot advance", metadata: ["cluster": "\(cluster)", "error": "\(error)"])
            try? store.recordEvent(cluster: cluster, kind: "rotation-blocked", message: "\(error)")
            return nil
        }
    }

    /// The state of the cloud is unknown: an empty or partial observation must not be planned
    /// against (it would recreate healthy instances), so the pass ends here, says why and is
    /// retried with backoff; the event is written once per failure streak.
    private func unobserved(_ failure: ObservationFailure) throws -> PassOutcome {
        if try store.recordObservationFailed(cluster: failure.cluster, error: failure.reason) {
            logger.warning("could not observe cluster", metadata: ["cluster": "\(failure.cluster)", "error": "\(failure.reason)"])
        }
        return .unobserved(failure.description, transient: failure.error.isRetryable)
    }

    /// Opens, updates and resolves the cluster's findings: suppressed when healing may not
    /// run, healing when the plan acts on the instance (or the rogue VM), open otherwise.
    private func record(_ plan: Plan, mode: HealingMode, cluster: String) throws {
        let touched = Set(plan.actions.compactMap(\.instance))
        let deleted = Set(plan.actions.compactMap { action -> String? in
            if case .deleteVM(let id) = action.kind { return id }
            return nil
        })
        let found = plan.findings.map { finding -> (Finding, FindingState) in
            if case .suppressed = mode { return (finding, .suppressed) }
            if let instance = finding.instance, touched.contains(instance) { return (finding, .healing) }
            if deleted.contains(finding.resource) { return (finding, .healing) }
            return (finding, .open)
        }
        try store.recordFindings(cluster: cluster, found: found)
    }
}
