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
/// finish. Each attempt is journaled before it is made.
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
        var result = ExecutionResult()
        var perInstance: [String: [PlannedAction]] = [:]
        for action in plan.actions { perInstance[action.instance ?? cluster, default: []].append(action) }
        progress(.planned(
            cluster: cluster, actions: perInstance.mapValues(\.count),
            canaries: Set(plan.actions.filter(\.canary).map { $0.instance ?? cluster }),
            changes: perInstance.mapValues(PlanPresentation.change(of:))))
        let count = plan.actions.count
        // Unmet prerequisites per action; an action is ready at zero. O(edges) in all.
        var waitingOn = plan.actions.map(\.dependsOn.count)
        var dependents = [[Int]](repeating: [], count: count)
        for action in plan.actions { for dep in action.dependsOn { dependents[dep].append(action.id) } }
        var started = [Bool](repeating: false, count: count)
        var doomed = [Bool](repeating: false, count: count)
        var ready = plan.actions.filter { $0.dependsOn.isEmpty }.map(\.id)

        await withTaskGroup(of: (Int, Outcome).self) { group in
            func launchReady() {
                guard !stop.isStopped else { return }
                for id in ready where !doomed[id] {
                    started[id] = true
                    let action = plan.actions[id]
                    let journalID = journalIDs[id]
                    let key = "\(planID)/\(id)"
                    group.addTask {
                        let began = ContinuousClock.now
                        // Unstructured on purpose: cancelling the pass must not abort a call
                        // that is already talking to the provider.
                        let outcome = await Task { await run(action, journalID: journalID, key: key) }.value
                        let succeeded = if case .succeeded = outcome { true } else { false }
                        metrics?.action(kind: action.kind.name, result: outcome.label, duration: ContinuousClock.now - began)
                        progress(.finished(cluster: cluster, instance: action.instance ?? cluster, action: action.kind.summary, succeeded: succeeded))
                        return (id, outcome)
                    }
                }
                ready.removeAll()
            }
            launchReady()
            for await (id, outcome) in group {
                switch outcome {
                case .succeeded:
                    result.succeeded += 1
                    for next in dependents[id] {
                        waitingOn[next] -= 1
                        if waitingOn[next] == 0 { ready.append(next) }
                    }
                case .parked:
                    result.parked += 1
                case .failed(let message):
                    result.failed.append((plan.actions[id], message))
                    var queue = dependents[id]
                    while let next = queue.popLast() {
                        if !doomed[next] {
                            doomed[next] = true
                            queue += dependents[next]
                        }
                    }
                }
                launchReady()
            }
        }
        for id in 0..<count where !started[id] {
            let action = plan.actions[id]
            metrics?.action(kind: action.kind.name, result: doomed[id] ? "cancelled" : "parked", duration: .zero)
            progress(.finished(cluster: cluster, instance: action.instance ?? cluster, action: action.kind.summary, succeeded: false))
        }
        let doomedIDs = (0..<count).filter { !started[$0] && doomed[$0] }.map { journalIDs[$0] }
        let parkedIDs = (0..<count).filter { !started[$0] && !doomed[$0] }.map { journalIDs[$0] }
        result.cancelled = doomedIDs.count
        result.parked += parkedIDs.count
        do {
            try store.settle(doomedIDs, state: "cancelled", note: "a prerequisite failed")
            try store.settle(parkedIDs, state: "pending", note: "parked: the controller stopped before it ran")
        } catch {
            logger.error("could not settle the journal", metadata: ["cluster": "\(cluster)", "error": "\(error)"])
        }
        return result
    }

    private func run(_ action: PlannedAction, journalID: Int64, key: String) async -> Outcome {
        await pool.acquire(cluster: cluster)
        defer { pool.release() }
        while true {
            if stop.isStopped {
                try? store.settle([journalID], state: "pending", note: "parked: the controller stopped before it ran")
                return .parked
            }
            let attempt: Int
            let resources: (vm: String?, disk: String?)
            do {
                let running = try await store.startAttempt(journalID, owner: owner, instance: action.instance)
                attempt = running.attempt
                resources = (running.vm, running.disk)
            } catch {
                return .failed("journal: \(error)")
            }
            metrics?.attempt(kind: action.kind.name)
            if attempt == 1 { progress(.started(cluster: cluster, instance: action.instance ?? cluster, action: action.kind.summary)) }
            do {
                if !bucket.isUnlimited { try await bucket.acquire() }
                let effect = try await deadlines.run(limit: policy.timeout(for: action.kind.name)) {
                    try await runner.perform(action, key: key, attempt: attempt, resources: resources)
                }
                if !bucket.isUnlimited { await bucket.succeeded() }
                try await store.succeedAttempt(journalID, effect: effect)
                return .succeeded
            } catch {
                let (retryable, message, hint) = Self.classify(error)
                if let p = error as? ProviderError, p.code == ProviderError.throttled { await bucket.throttled() }
                guard retryable, attempt < policy.retry.maxAttempts, !stop.isStopped else {
                    if retryable && stop.isStopped {
                        try? store.settle([journalID], state: "pending", note: "parked after: \(message)")
                        return .parked
                    }
                    let final = attempt >= policy.retry.maxAttempts && retryable ? "\(message) (gave up after \(attempt) attempts)" : message
                    try? await store.failAttempt(journalID, error: final)
                    logger.warning("action failed", metadata: [
                        "cluster": "\(cluster)", "instance": "\(action.instance ?? "-")", "kind": "\(action.kind.name)", "error": "\(final)",
                    ])
                    return .failed(final)
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
