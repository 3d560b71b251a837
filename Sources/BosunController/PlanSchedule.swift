import BosunPlanner
import Synchronization

/// Which of one plan's steps may start, shared by the tasks that run them: a step is ready when
/// every step it waits for has succeeded (and been journaled), and a failure dooms everything
/// that waits on it, directly or not. The task that finishes a step can claim the next step of
/// the same instance when its success is all that step still waits for, and go straight on.
final class PlanSchedule: Sendable {
    private struct State {
        var waitingOn: [Int]
        var started: [Bool]
        var doomed: [Bool]
        /// Running chains, counted from their launch until their last step ends.
        var chains = 0
        var result = ExecutionResult()
    }

    private let plan: Plan
    private let dependents: [[Int]]
    private let state: Mutex<State>

    init(_ plan: Plan) {
        self.plan = plan
        var dependents = [[Int]](repeating: [], count: plan.actions.count)
        for action in plan.actions { for dep in action.dependsOn { dependents[dep].append(action.id) } }
        self.dependents = dependents
        state = Mutex(State(
            waitingOn: plan.actions.map(\.dependsOn.count),
            started: [Bool](repeating: false, count: plan.actions.count),
            doomed: [Bool](repeating: false, count: plan.actions.count)))
    }

    /// The steps that wait for nothing, each now counted as a launched chain; none when the
    /// controller is stopping.
    func start(stopping: Bool) -> [Int] {
        guard !stopping else { return [] }
        return state.withLock { s in
            let ready = plan.actions.filter(\.dependsOn.isEmpty).map(\.id)
            for id in ready { s.started[id] = true }
            s.chains += ready.count
            return ready
        }
    }

    /// The step of `id`'s instance that waits for nothing but `id`, claimed as started; nil
    /// when there is none or the controller is stopping. Called just before `id`'s success is
    /// journaled, so that the claimed step's start goes in the same write.
    func claimSuccessor(of id: Int, stopping: Bool) -> Int? {
        guard !stopping, let instance = plan.actions[id].instance else { return nil }
        return state.withLock { s in
            // A count of 1 is `id` itself: every other step it waits for has succeeded.
            guard let next = dependents[id].first(where: {
                plan.actions[$0].instance == instance && s.waitingOn[$0] == 1 && !s.started[$0] && !s.doomed[$0]
            }) else { return nil }
            s.started[next] = true
            return next
        }
    }

    /// Gives back a claim whose journal write failed.
    func unclaim(_ id: Int) {
        state.withLock { $0.started[id] = false }
    }

    /// Records `id`'s journaled success; returns the steps it made ready, each counted as a
    /// launched chain (none when the controller is stopping: they stay unstarted and are
    /// parked at the end).
    func succeeded(_ id: Int, stopping: Bool) -> [Int] {
        state.withLock { s in
            s.result.succeeded += 1
            var ready: [Int] = []
            for next in dependents[id] {
                s.waitingOn[next] -= 1
                if s.waitingOn[next] == 0 && !s.started[next] && !s.doomed[next] && !stopping {
                    s.started[next] = true
                    ready.append(next)
                }
            }
            s.chains += ready.count
            return ready
        }
    }

    func parked(_ id: Int) {
        state.withLock { $0.result.parked += 1 }
    }

    /// Records `id`'s failure and dooms every step that waits on it.
    func failed(_ id: Int, error: String) {
        state.withLock { s in
            s.result.failed.append((plan.actions[id], error))
            var queue = dependents[id]
            while let next = queue.popLast() {
                if !s.doomed[next] {
                    s.doomed[next] = true
                    queue += dependents[next]
                }
            }
        }
    }

    /// Ends one chain; true when it was the last one running.
    func chainEnded() -> Bool {
        state.withLock { s in
            s.chains -= 1
            return s.chains == 0
        }
    }

    /// What happened so far, and the steps that never started: doomed (a prerequisite failed)
    /// or left (the controller stopped first).
    func outcome() -> (result: ExecutionResult, doomed: [Int], left: [Int]) {
        state.withLock { s in
            let unstarted = plan.actions.indices.filter { !s.started[$0] }
            return (s.result, unstarted.filter { s.doomed[$0] }, unstarted.filter { !s.doomed[$0] })
        }
    }
}
