import ArgumentParser
import BosunStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `bosun bench scale`: the scale issue's table, measured on this machine by running this very
/// binary as an operator would — `apply` from empty, a no-op `plan` in a fresh process, and
/// `bosun run` in steady state (CPU, memory, spec-rename reaction) — each figure with its
/// target and the ratio to it.
struct BenchScaleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale", abstract: "Measure apply, no-op plan and steady-state run at N clusters of M instances.")

    @Option(help: "Clusters.")
    var clusters: Int = 100

    @Option(help: "Instances per cluster (3 masters, the rest workers).")
    var instances: Int = 10

    @Option(help: ArgumentHelp("Steady-state window for run's CPU and memory.", valueName: "duration"))
    var steady: DurationOption = DurationOption(.seconds(120))

    @Option(help: "Spec renames timed under run.")
    var renames: Int = 20

    @Option(help: "Apply workers.")
    var workers: Int = 32

    @Flag(help: "Skip the steady-state run (apply and plan only).")
    var skipRun = false

    func validate() throws {
        guard (1...100_000).contains(clusters), (3...10_000).contains(instances) else {
            throw ValidationError("--clusters 1…100000 and --instances 3…10000")
        }
    }

    func run() async throws {
        let (root, specs) = try BenchSupport.scratch("scale")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let total = clusters * instances
        print("bosun bench scale: \(clusters) clusters × \(instances) instances = \(total) instances, sim provider, zero latency")
        for i in 0..<clusters { try BenchReconcileCommand.writeSpec(i, workers: instances - 3, into: specs) }
        let db = root + "/bench.db"
        let common = ["--db", db, "--specs", specs, "--settle", "0s", "--log-level", "error"]

        // 1. apply from empty, watching for the first cluster to converge.
        let firstConverged = FirstConverged(db: db)
        let watcher = Task { await firstConverged.watch() }
        let apply = try Child.run(["apply", "--workers", "\(workers)", "--max-passes", "50", "--progress", "none"] + common)
        watcher.cancel()
        let first = await firstConverged.seconds
        // The target is 150 s at 100,000 instances; scaled linearly here.
        row("apply from empty", apply.seconds, "s", target: Double(total) * 150 / 100_000, note: apply.status == 0 ? "" : "exit \(apply.status)")
        row("apply peak RSS", apply.peakKiB / 1024, "MB", target: 500)
        print(String(format: "  first cluster converged after %@ of %.1f s", first.map { String(format: "%.1f s", $0) } ?? "never", apply.seconds))

        // 2. a no-op plan in a fresh process (median of 3).
        var plans: [Double] = []
        for _ in 0..<3 { plans.append(try Child.run(["plan"] + common).seconds) }
        row("no-op plan", plans.sorted()[1], "s", target: 3)

        guard !skipRun else { return }
        // 3. bosun run in steady state.
        // Debug logs carry one line per finished drift sweep: how fresh every observation is.
        let run = try Child.start(["run"] + common.dropLast(2) + ["--log-level", "debug"], log: root + "/run.log")
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        // Warm-up: a new process adopts the settled marks `apply` left and sweeps once; it is
        // in steady state when a 5 s sample of its CPU falls under half a core (or after 15
        // minutes), plus 10 s.
        let store = try Store(path: db, create: false)
        let warmStart = ContinuousClock.now
        while ContinuousClock.now - warmStart < .seconds(900) {
            let before = Child.cpuSeconds(run.processIdentifier)
            try await Task.sleep(for: .seconds(5))
            if Child.cpuSeconds(run.processIdentifier) - before < 2.5 { break }
        }
        try await Task.sleep(for: .seconds(10))
        print(String(format: "  run warm-up (until under half a core): %.0f s", (ContinuousClock.now - warmStart).seconds))
        let rss0 = Child.rssKiB(run.processIdentifier)
        let cpu0 = Child.cpuSeconds(run.processIdentifier)
        let wall0 = ContinuousClock.now
        let sweeps = SweepTimes(log: root + "/run.log")
        let pid = run.processIdentifier
        let sampler = Task {
            var samples: [Double] = []
            while !Task.isCancelled {
                samples.append(Child.rssKiB(pid) / 1024)
                try? await Task.sleep(for: .seconds(15))
            }
            return samples
        }
        try await sweeps.follow(for: steady.duration)
        sampler.cancel()
        let samples = await sampler.value
        let cpu = (Child.cpuSeconds(run.processIdentifier) - cpu0) / (ContinuousClock.now - wall0).seconds
        let rss1 = Child.rssKiB(run.processIdentifier)
        row("run steady CPU", cpu * 100, "% core", target: 25)
        print(String(format: "  run RSS %.0f MB → %.0f MB over the %.0f s window", rss0 / 1024, rss1 / 1024, steady.duration.seconds))
        print("  run RSS every 15 s (MB): " + samples.map { String(format: "%.0f", $0) }.joined(separator: " "))
        // Every cluster is observed by each sweep; the oldest observation is at most the longest
        // gap between two finished sweeps plus the longest sweep. Target: interval (30 s) × 1.2.
        let sweepLines = await sweeps.finished
        if sweepLines.count >= 2 {
            let gaps = zip(sweepLines.dropFirst(), sweepLines).map { ($0.at - $1.at).seconds }
            let longest = sweepLines.map(\.seconds).max() ?? 0
            row("oldest observation", (gaps.max() ?? 0) + longest, "s", target: 36)
            print(String(format: "  %d drift sweeps over every cluster, %.2f s each at most", sweepLines.count, longest))
        } else {
            print("  oldest observation: fewer than 2 drift sweeps finished in the window")
        }

        // 4. rename → first action, under run.
        var latencies: [Double] = []
        for trial in 0..<renames {
            let index = (trial * 7919) % clusters
            let name = BenchReconcileCommand.name(index)
            let before = try store.actionCounts(cluster: name).values.reduce(0, +)
            let start = ContinuousClock.now
            try BenchReconcileCommand.writeSpec(index, workers: instances - 3 + 1 + trial % 2, into: specs, atomically: true)
            let deadline = start.advanced(by: .seconds(30))
            while try store.actionCounts(cluster: name).values.reduce(0, +) == before, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(2))
            }
            latencies.append((ContinuousClock.now - start).seconds * 1000)
            try await Task.sleep(for: .milliseconds(300))
        }
        latencies.sort()
        func pct(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.up)) - 1)] }
        row("rename → first action p50", pct(0.5), "ms", target: nil)
        row("rename → first action p99", pct(0.99), "ms", target: 500)
        kill(run.processIdentifier, SIGTERM)
        run.waitUntilExit()
    }

    private func row(_ what: String, _ value: Double, _ unit: String, target: Double?, note: String = "") {
        let ratio = target.map { String(format: "%.2f × target (%g %@)", value / $0, $0, unit) } ?? ""
        let label = what.padding(toLength: 28, withPad: " ", startingAt: 0)
        let units = unit.padding(toLength: 7, withPad: " ", startingAt: 0)
        print(label + String(format: " %10.2f ", value) + units + " " + ratio + (note.isEmpty ? "" : " " + note))
    }
}

/// Polls a state database for the first cluster to converge.
actor FirstConverged {
    let db: String
    private(set) var seconds: Double?

    init(db: String) { self.db = db }

    func watch() async {
        let start = ContinuousClock.now
        while !Task.isCancelled && seconds == nil {
            if FileManager.default.fileExists(atPath: db), let store = try? Store(path: db, create: false),
                let converged = try? store.clusterStatuses().contains(where: { $0.phase == "converged" }), converged
            {
                seconds = (ContinuousClock.now - start).seconds
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }
}

/// Follows `bosun run`'s debug log for "drift sweep finished" lines, timing each on arrival.
actor SweepTimes {
    let log: String
    private(set) var finished: [(at: ContinuousClock.Instant, seconds: Double)] = []

    init(log: String) { self.log = log }

    /// Reads new lines every 50 ms for `duration`, starting from the end of the log as it is now.
    func follow(for duration: Duration) async throws {
        guard let handle = FileHandle(forReadingAtPath: log) else { return }
        defer { try? handle.close() }
        _ = try handle.seekToEnd()
        var pending = ""
        let end = ContinuousClock.now + duration
        while ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(50))
            let data = try handle.readToEnd() ?? Data()
            guard !data.isEmpty else { continue }
            pending += String(decoding: data, as: UTF8.self)
            let now = ContinuousClock.now
            while let newline = pending.firstIndex(of: "\n") {
                let line = pending[..<newline]
                pending.removeSubrange(...newline)
                guard line.contains("drift sweep finished"),
                    let range = line.range(of: "seconds=")
                else { continue }
                let value = line[range.upperBound...].prefix { $0.isNumber || $0 == "." }
                finished.append((now, Double(value) ?? 0))
            }
        }
    }
}
