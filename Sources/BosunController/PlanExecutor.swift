import BosunPlanner
import BosunProvider
import BosunStore
import Foundation
import Logging

/// How one plan's execution ended.
public struct ExecutionResult: Sendable {
    public var succeeded = 0
    public var failed: [(action: PlannedAction, error: String)] = []
    public var cancelled = 0
    public var parked = 0

    public var complete: Bool { failed.isEmpty && cancelled == 0 && parked == 0 }
}

/// Runs one cluster's plan as a DAG on the shared worker pool: an action starts when every
/// prerequisite has succeeded; a failure cancels everything that depends on it (so a failed
/// canary stops its group and every later serial group) while unrelated and in-flight actions
/// finish. Each attempt is journaled before it is made. The task that finishes a step goes
/// straight on to its instance's next step when that success was all the step still waited for
/// (`PlanSchedule`), journaling both in one write.
struct PlanExecutor: Sendable {
    let cluster: String
    let runner: ActionRunner
    let store: Store
    let pool: WorkerPool
    let bucket: TokenBucket
    let policy: ExecutionPolicy
    /// Times every action's provider call against `policy`'s timeouts.
    let deadlines: ActionDeadlines
    let random: RandomSource
    let owner: String
    let stop: StopSignal
    let logger: Logger
    var progress = ProgressSink()
    /// Counts actions, attempts and durations; nil: not counted.
    var metrics: ControllerMetrics? = nil

    enum Outcome: Sendable {
        case succeeded
        case failed(String)
        case parked

        /// The `result` label of `bosun_actions_total`.
        var label: String {
            switch self {
            case .succeeded: "succeeded"
            case .failed: "failed"
            case .parked: "parked"
            }
        }
    }

    func execute(_ plan: Plan, journalIDs: [Int64], planID: String) async -> ExecutionResult {
        var perInstance: [String: [PlannedAction]] = [:]
        for action in plan.actions { perInstance[action.instance ?? cluster, default: []].append(action) }
        progress(.planned(
            cluster: cluster, actions: perInstance.mapValues(\.count),
            canaries: Set(plan.actions.filter(\.canary).map { $0.instance ?? cluster }),
            changes: perInstance.mapValues(PlanPresentation.change(of:))))
        let schedule = PlanSchedule(plan)
        // Not a task group: cancelling the pass must not abort a call that is already talking to
        // the provider, nor stop the steps it makes ready from being started or parked.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let first = schedule.start(stopping: stop.isStopped)
            if first.isEmpty { return done.resume() }
            let run = ChainContext(plan: plan, journalIDs: journalIDs, planID: planID, schedule: schedule, done: done)
            for id in first { launchChain(from: id, run) }
        }
        var (result, doomed, left) = schedule.outcome()
        for (ids, label) in [(doomed, "cancelled"), (left, "parked")] {
            for id in ids {
                let action = plan.actions[id]
                metrics?.action(kind: action.kind.name, result: label, duration: .zero)
                progress(.finished(cluster: cluster, instance: action.instance ?? cluster, action: action.kind.summary, succeeded: false))
            }
        }
        result.cancelled = doomed.count
        result.parked += left.count
        do {
            try store.settle(doomed.map { journalIDs[$0] }, state: "cancelled", note: "a prerequisite failed")
            try store.settle(left.map { journalIDs[$0] }, state: "pending", note: "parked: the controller stopped before it ran")
        } catch {
            logger.error("could not settle the journal", metadata: ["cluster": "\(cluster)", "error": "\(error)"])
        }
        return result
    }

    /// What every chain of one execution shares.
    private struct ChainContext: Sendable {
        let plan: Plan
        let journalIDs: [Int64]
        let planID: String
        let schedule: PlanSchedule
        /// Resumed by the last chain to end.
        let done: CheckedContinuation<Void, Never>
    }

    /// Runs step `first` in one worker slot and, while each step's success is all the next step
    /// of its instance waits for, that next step too; reports each outcome to the schedule as it
    /// comes and launches the other steps it makes ready as chains of their own. Holding the
    /// slot across an instance's steps delays no step of this plan (nothing else waited for the
    /// slot's next step); another cluster's step waits for a slot as it would behind one longer
    /// step, and the pool's round-robin still decides who gets the next free one.
    private func launchChain(from first: Int, _ run: ChainContext) {
        Task {
            await pool.acquire(cluster: cluster)
            var id = first
            var prestarted: Started?
            while true {
                let action = run.plan.actions[id]
                let began = ContinuousClock.now
                let (outcome, next) = await self.run(action, id: id, run, prestarted: prestarted)
                let succeeded = if case .succeeded = outcome { true } else { false }
                metrics?.action(kind: action.kind.name, result: outcome.label, duration: ContinuousClock.now - began)
                progress(.finished(cluster: cluster, instance: action.instance ?? cluster, action: action.kind.summary, succeeded: succeeded))
                switch outcome {
                case .succeeded:
                    for ready in run.schedule.succeeded(id, stopping: stop.isStopped) { launchChain(from: ready, run) }
                case .parked: run.schedule.parked(id)
                case .failed(let error): run.schedule.failed(id, error: error)
                }
                guard let next else { break }
                (id, prestarted) = next
            }
            pool.release()
            if run.schedule.chainEnded() { run.done.resume() }
        }
    }

    /// An attempt journaled as running: its number and the instance's VM and disk as recorded.
    struct Started: Sendable {
        var attempt: Int
        var vm: String?
        var disk: String?
    }

    /// Runs one step to its outcome, retrying as the policy says. `prestarted`: its first
    /// attempt was already journaled as running (with its predecessor's success). On success,
    /// the step of the same instance that it leaves ready, if any and unless the controller is
    /// stopping, is journaled as running in the same write and returned to run next.
    private func run(_ action: PlannedAction, id: Int, _ run: ChainContext, prestarted: Started?) async -> (Outcome, (Int, Started)?) {
        let journalID = run.journalIDs[id]
        let key = "\(run.planID)/\(id)"
        var prestarted = prestarted
        while true {
            let started: Started
            if let already = prestarted {
                started = already
                prestarted = nil
            } else {
                if stop.isStopped {
                    try? store.settle([journalID], state: "pending", note: "parked: the controller stopped before it ran")
                    return (.parked, nil)
                }
                do {
                    let running = try await store.startAttempt(
                        journalID, owner: owner, instance: action.instance, reading: ActionRunner.reads(action.kind))
                    started = Started(attempt: running.attempt, vm: running.vm, disk: running.disk)
                } catch {
                    return (.failed("journal: \(error)"), nil)
                }
            }
            let attempt = started.attempt
            metrics?.attempt(kind: action.kind.name)
            if attempt == 1 { progress(.started(cluster: cluster, instance: action.instance ?? cluster, action: action.kind.summary)) }
            do {
                if !bucket.isUnlimited { try await bucket.acquire() }
                let effect = try await deadlines.run(limit: policy.timeout(for: action.kind.name)) {
                    try await runner.perform(action, key: key, attempt: attempt, resources: (started.vm, started.disk))
                }
                if !bucket.isUnlimited { await bucket.succeeded() }
                if let next = run.schedule.claimSuccessor(of: id, stopping: stop.isStopped) {
                    do {
                        let running = try await store.succeedAttempt(
                            journalID, effect: effect, thenStart: run.journalIDs[next], owner: owner, instance: action.instance,
                            reading: ActionRunner.reads(run.plan.actions[next].kind))
                        return (.succeeded, (next, Started(attempt: running.attempt, vm: running.vm, disk: running.disk)))
                    } catch {
                        run.schedule.unclaim(next)
                        throw error
                    }
                }
                try await store.succeedAttempt(journalID, effect: effect)
                return (.succeeded, nil)
            } catch {
                let (retryable, message, hint) = Self.classify(error)
                if let p = error as? ProviderError, p.code == ProviderError.throttled { await bucket.throttled() }
                guard retryable, attempt < policy.retry.maxAttempts, !stop.isStopped else {
                    if retryable && stop.isStopped {
                        try? store.settle([journalID], state: "pending", note: "parked after: \(message)")
                        return (.parked, nil)
                    }
                    let final = attempt >= policy.retry.maxAttempts && retryable ? "\(message) (gave up after \(attempt) attempts)" : message
                    try? await store.failAttempt(journalID, error: final)
                    logger.warning("action failed", metadata: [
                        "cluster": "\(cluster)", "instance": "\(action.instance ?? "-")", "kind": "\(action.kind.name)", "error": "\(final)",
                    ])
                    return (.failed(final), nil)
                }
                var delay = policy.retry.delay(afterAttempt: attempt, unit: random.unit())
                if let hint, hint > delay { delay = hint }
                try? await store.retryAttempt(journalID, error: message, after: delay)
                try? await Task.sleep(for: delay)
            }
        }
    }

    /// (retryable, message, suggested delay) for any error an action can throw.
    static func classify(_ error: any Error) -> (Bool, String, Duration?) {
        switch error {
        case let p as ProviderError: (p.isRetryable, p.plainText, p.retryAfter)
        case let a as ActionError: (a.retryable, a.message, nil)
        case let t as ActionTimeout: (true, t.description, nil)
        case let s as StoreError: (false, "state database: \(s)", nil)
        default: (false, "\(error)", nil)
        }
    }
}

/// An action ran past its timeout (retryable: it may or may not have taken effect, and every
/// action is idempotent).
struct ActionTimeout: Error, CustomStringConvertible {
    let after: Duration
    var description: String { "timed out after \(after)" }
}
