import BosunController
import BosunModel
import BosunStore
import Foundation
import ServiceLifecycle
import UnixSignals

/// Reconciles a set of clusters until each converges or fails (`bosun apply`, `bosun delete`),
/// with a live progress line on a TTY and a summary at the end. SIGINT/SIGTERM park what has
/// not started and let in-flight actions finish.
struct ApplyDriver {
    let factory: ControllerFactory
    let maxPasses: Int
    /// How long a cluster whose lease another process holds is waited for (`--lock-timeout`).
    var lockTimeout: Duration = .zero
    /// Progress lines and the live status line; nil: silent (benchmarks).
    var progress: ApplyProgress?

    struct Outcome: Encodable {
        var cluster: String
        var result: String
        var passes: Int
        var actions: Int
        var detail: String?
    }

    func run(_ clusters: [String]) async -> [Outcome] {
        let reconciler = factory.reconciler
        let signals = Task {
            for await _ in await UnixSignalsSequence(trapping: .sigint, .sigterm) {
                reconciler.stop.stop()
                FileHandle.standardError.write(Data("\nstopping: in-flight actions finish, the rest is parked\n".utf8))
            }
        }
        defer { signals.cancel() }
        let reporter = progress
        let ticker = reporter.map { p in
            Task {
                while !Task.isCancelled {
                    p.redraw()
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
        }
        // Clusters stream through a window: each converges as soon as it can, and memory holds
        // the plans of a window of clusters, not of all of them (10,000 clusters planned at
        // once meant none converged for minutes and 1.7 GB resident).
        let window = max(16, factory.reconciler.policy.workers * 2)
        let outcomes = await withTaskGroup(of: Outcome.self, returning: [Outcome].self) { group in
            var pending = clusters.makeIterator()
            for _ in 0..<window {
                guard let cluster = pending.next() else { break }
                group.addTask { await converge(cluster) }
            }
            var all: [Outcome] = []
            for await outcome in group {
                all.append(outcome)
                if let cluster = pending.next() { group.addTask { await converge(cluster) } }
            }
            return all.sorted { $0.cluster < $1.cluster }
        }
        ticker?.cancel()
        _ = await ticker?.value
        reporter?.finish()
        return outcomes
    }

    private func converge(_ cluster: String) async -> Outcome {
        var outcome = Outcome(cluster: cluster, result: "converged", passes: 0, actions: 0, detail: nil)
        let lockDeadline = ContinuousClock.now + lockTimeout
        var toldWaiting = false
        var unobservedRetries = 0
        while outcome.passes < maxPasses {
            outcome.passes += 1
            switch await factory.reconciler.reconcile(cluster) {
            case .converged:
                return outcome
            case .progressed(let n):
                outcome.actions += n
            case .failed(let message):
                outcome.result = "failed"
                outcome.detail = message
                return outcome
            case .unobserved(let message, let transient):
                // A transient failure (retryable errors past the observer's own retries) gets
                // two more looks after a pause, as `run` would; then, or at once for a terminal
                // error: not "failed" (nothing was attempted), what the cloud holds is unknown.
                if transient, unobservedRetries < 2, !factory.reconciler.stop.isStopped {
                    unobservedRetries += 1
                    let pause = Duration.milliseconds(500 << unobservedRetries)
                    FileHandle.standardError.write(Data("\(cluster): \(message); looking again in \(pause.formatted(.units(allowed: [.seconds, .milliseconds], width: .narrow)))\n".utf8))
                    outcome.passes -= 1  // a look, not a pass
                    try? await Task.sleep(for: pause)
                    continue
                }
                outcome.result = "unknown"
                outcome.detail = message
                return outcome
            case .busy(let holder, let until):
                let now = ContinuousClock.now
                if now < lockDeadline, !factory.reconciler.stop.isStopped {
                    if !toldWaiting {
                        FileHandle.standardError.write(Data("\(cluster): waiting for the lease held by \(holder) until \(until)\n".utf8))
                        toldWaiting = true
                    }
                    outcome.passes -= 1  // waiting is not a pass
                    try? await Task.sleep(for: min(.milliseconds(250), lockDeadline - now))
                    continue
                }
                outcome.result = "failed"
                outcome.detail = lockTimeout > .zero
                    ? "still held by \(holder) until \(until) (lease) after waiting \(lockTimeout.formatted(.units(allowed: [.minutes, .seconds], width: .narrow)))"
                    : "held by \(holder) until \(until) (lease); try again when it is released, or wait with --lock-timeout"
                return outcome
            case .waiting(let why):
                outcome.result = "waiting"
                outcome.detail = why
                return outcome
            case .skipped(let why):
                outcome.result = "skipped"
                outcome.detail = why
                return outcome
            case .parked(let done, let parked):
                outcome.actions += done
                outcome.result = "stopped"
                outcome.detail = "interrupted: \(counted(parked, "action")) parked, re-planned by the next pass"
                return outcome
            }
        }
        outcome.result = "failed"
        outcome.detail = "did not converge after \(maxPasses) passes"
        return outcome
    }

    static func printSummary(_ outcomes: [Outcome]) {
        Output.table(
            ["CLUSTER", "RESULT", "PASSES", "ACTIONS", "DETAIL"],
            outcomes.map { [$0.cluster, $0.result, "\($0.passes)", "\($0.actions)", $0.detail ?? "-"] },
            paint: { column, cell in
                guard column == 1 else { return nil }
                return cell == "converged" ? .green : cell == "skipped" ? .yellow : .red
            })
    }
}
