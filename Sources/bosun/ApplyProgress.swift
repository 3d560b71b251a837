import ArgumentParser
import BosunController
import BosunModel
import BosunPlanner
import Foundation
import Synchronization

/// `bosun apply` and `delete` progress in the style of BOSH's task output: a line when an
/// instance starts and one when it finishes (canary marked, with its elapsed time), a total at
/// the end, and on a terminal a live status line (`TerminalLine`) with the counts, the elapsed
/// time and what is running. Without a terminal the lines alone go out, each flushed, so a CI
/// log shows where an apply is.
final class ApplyProgress: Sendable {
    private struct Instance {
        var total = 0
        var done = 0
        var failed = false
        var started: ContinuousClock.Instant?
        var canary = false
        var change = PlanPresentation.Change.update
    }

    private struct State {
        var instances: [String: Instance] = [:]
        var running: [String: String] = [:]
        var actions = 0
        var done = 0
        var failed = 0
        var instancesDone = 0
        var instancesFailed = 0
    }

    private let state = Mutex(State())
    private let terminal: TerminalLine?
    private let toStderr: Bool
    private let start = ContinuousClock.now

    /// `terminal`: draw a live line there; nil: plain lines only, to stderr when `toStderr`
    /// (stdout then carries JSON).
    init(terminal: TerminalLine?, toStderr: Bool) {
        self.terminal = terminal
        self.toStderr = toStderr
    }

    var sink: ProgressSink { ProgressSink { [self] event in handle(event) } }

    private func handle(_ event: ProgressEvent) {
        let now = ContinuousClock.now
        let lines: [String] = state.withLock { s in
            switch event {
            case .planned(let cluster, let actions, let canaries, let changes):
                for (name, count) in actions {
                    let key = Self.key(cluster, name)
                    var i = s.instances[key] ?? Instance()
                    if i.done >= i.total { i = Instance() }  // a later pass over the same instance
                    i.total += count
                    i.canary = canaries.contains(name)
                    i.change = changes[name] ?? .update
                    s.instances[key] = i
                    s.actions += count
                }
                return []
            case .started(let cluster, let name, let action):
                let key = Self.key(cluster, name)
                s.running[key] = action
                guard var i = s.instances[key], i.started == nil else { return [] }
                i.started = now
                s.instances[key] = i
                return ["\(Self.clock()) | \(Self.verb(i.change)) \(Self.label(cluster, name, i.canary)) ..."]
            case .finished(let cluster, let name, _, let succeeded):
                let key = Self.key(cluster, name)
                s.running[key] = nil
                s.done += 1
                if !succeeded { s.failed += 1 }
                guard var i = s.instances[key] else { return [] }
                i.done += 1
                if !succeeded { i.failed = true }
                s.instances[key] = i
                guard i.done == i.total else { return [] }
                if i.failed { s.instancesFailed += 1 } else { s.instancesDone += 1 }
                let took = i.started.map { Self.hms(now - $0) } ?? "00:00:00"
                let result = i.failed ? (i.started == nil ? "Not started" : "Failed") : "Finished"
                return ["\(Self.clock()) | \(Self.verb(i.change)) \(Self.label(cluster, name, i.canary)) ... \(result) (\(took))"]
            }
        }
        for line in lines { emit(line) }
        redraw()
    }

    /// Redraws the status line (also called every 200 ms, for the elapsed time).
    func redraw() {
        guard let terminal else { return }
        let s = state.withLock { $0 }
        guard s.actions > 0 else {
            terminal.set("planning · \(Self.hms(ContinuousClock.now - start))")
            return
        }
        let width = 20
        let filled = s.actions == 0 ? 0 : width * s.done / s.actions
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let running = s.running.keys.sorted().prefix(3).map { key in "\(key.replacingOccurrences(of: "\u{0}", with: " ")) \(s.running[key] ?? "")" }
        let more = s.running.count > 3 ? " +\(s.running.count - 3)" : ""
        terminal.set(
            "\(bar) \(s.done)/\(counted(s.actions, "action")) · \(Self.hms(ContinuousClock.now - start))"
                + (s.failed > 0 ? " · \(s.failed) failed" : "")
                + (running.isEmpty ? "" : " · " + running.joined(separator: ", ") + more))
    }

    /// The total, after everything: instances finished and failed, actions, elapsed.
    func finish() {
        terminal?.clear()
        let s = state.withLock { $0 }
        guard s.actions > 0 else { return }
        let failed = s.instancesFailed > 0 ? ", \(s.instancesFailed) failed or not started" : ""
        emit("\(Self.clock()) | Done: \(counted(s.instancesDone, "instance")) finished\(failed), \(counted(s.done, "action")) in \(Self.hms(ContinuousClock.now - start))")
    }

    private func emit(_ line: String) {
        if let terminal {
            terminal.printAbove(line)
        } else {
            let handle = toStderr ? FileHandle.standardError : FileHandle.standardOutput
            handle.write(Data((line + "\n").utf8))
        }
    }

    private static func key(_ cluster: String, _ name: String) -> String { name == cluster ? cluster : name }

    private static func label(_ cluster: String, _ name: String, _ canary: Bool) -> String {
        (name == cluster ? "cluster \(cluster)" : "instance \(name)") + (canary ? " (canary)" : "")
    }

    private static func verb(_ change: PlanPresentation.Change) -> String {
        switch change {
        case .add: "Creating"
        case .update: "Updating"
        case .replace: "Recreating"
        case .destroy: "Deleting"
        }
    }

    /// Wall-clock time of day, UTC.
    private static func clock() -> String {
        let c = Calendar(identifier: .gregorian)
        var utc = c
        utc.timeZone = TimeZone(identifier: "UTC")!
        let d = utc.dateComponents([.hour, .minute, .second], from: Date())
        return String(format: "%02d:%02d:%02d", d.hour ?? 0, d.minute ?? 0, d.second ?? 0)
    }

    static func hms(_ d: Duration) -> String {
        let s = Int(d.components.seconds)
        return String(format: "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }
}

/// `--progress`: `auto` (a live line on a terminal, plain lines otherwise), `plain` (lines
/// only) or `none`.
enum ProgressMode: String, ExpressibleByArgument, CaseIterable, Sendable {
    case auto, plain, none

    /// The reporter for this mode, and the terminal line the log handlers must step around
    /// (only for a live view). With `json`, stdout carries the result: lines go to stderr, and
    /// there is no live line.
    func reporter(json: Bool) -> (progress: ApplyProgress, terminal: TerminalLine?)? {
        switch self {
        case .none: return nil
        case .auto where Output.isTTY && !json:
            let terminal = TerminalLine()
            return (ApplyProgress(terminal: terminal, toStderr: false), terminal)
        case .auto, .plain: return (ApplyProgress(terminal: nil, toStderr: json), nil)
        }
    }
}
