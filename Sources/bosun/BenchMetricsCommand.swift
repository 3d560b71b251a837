import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `bosun bench metrics`: what `--metrics-address` costs. Applies N generated clusters, then
/// runs `bosun run` in steady state twice over the same database, without and with the metrics
/// server, scraping the second every `--scrape-every` as Prometheus would; prints the scrape's
/// duration and size and the CPU of both runs.
struct BenchMetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Measure a /metrics scrape and the CPU metrics add to a steady-state run.")

    @Option(help: "Clusters.")
    var clusters: Int = 10_000

    @Option(help: "Instances per cluster (3 masters, the rest workers).")
    var instances: Int = 3

    @Option(help: ArgumentHelp("Steady-state window of each run.", valueName: "duration"))
    var steady: DurationOption = DurationOption(.seconds(120))

    @Option(help: ArgumentHelp("Scrape interval during the run with metrics.", valueName: "duration"))
    var scrapeEvery: DurationOption = DurationOption(.seconds(15))

    func validate() throws {
        guard (1...100_000).contains(clusters), (3...10_000).contains(instances) else {
            throw ValidationError("--clusters 1…100000 and --instances 3…10000")
        }
    }

    func run() async throws {
        let (root, specs) = try BenchSupport.scratch("metrics")
        defer { try? FileManager.default.removeItem(atPath: root) }
        print("bosun bench metrics: \(clusters) clusters × \(instances) instances, sim provider, zero latency")
        for i in 0..<clusters { try BenchReconcileCommand.writeSpec(i, workers: instances - 3, into: specs) }
        let db = root + "/bench.db"
        let common = ["--db", db, "--specs", specs, "--settle", "0s", "--log-level", "error"]
        let apply = try Child.run(["apply", "--workers", "32", "--max-passes", "50", "--progress", "none"] + common)
        print(String(format: "  apply: %.1f s (exit %d)", apply.seconds, apply.status))

        let plain = try await steadyCPU(common, log: root + "/plain.log", metrics: false)
        print(String(format: "  run without metrics: %.2f %% of a core", plain.cpu * 100))
        let metered = try await steadyCPU(common, log: root + "/metrics.log", metrics: true)
        print(String(format: "  run with metrics, scraped every %.0f s: %.2f %% of a core", scrapeEvery.duration.seconds, metered.cpu * 100))
        print(String(format: "  metrics add %.2f %% of a core (target < 1 %%; the difference of two noisy windows)",
                     (metered.cpu - plain.cpu) * 100))
        let durations = metered.scrapes.map(\.seconds).sorted()
        if let median = durations.dropFirst(durations.count / 2).first, let last = metered.scrapes.last {
            print(String(format: "  scrape: %d scrapes, median %.1f ms, max %.1f ms, %d bytes, %d series",
                         durations.count, median * 1000, (durations.last ?? 0) * 1000, last.bytes, last.series))
        }
    }

    struct Scrape {
        var seconds: Double
        var bytes: Int
        var series: Int
    }

    /// Starts `run`, waits for its steady state (a 5 s CPU sample under half a core, then 10 s),
    /// and measures its CPU over the window, scraping meanwhile when `metrics`.
    private func steadyCPU(_ common: [String], log: String, metrics: Bool) async throws -> (cpu: Double, scrapes: [Scrape]) {
        // Both runs log alike (info, JSON: the listening line carries the address).
        let logging = ["--log-format", "json", "--log-level", "info"]
        let run = try Child.start(["run"] + common.dropLast(2) + logging + (metrics ? ["--metrics-address", "127.0.0.1:0"] : []), log: log)
        defer {
            if run.isRunning {
                kill(run.processIdentifier, SIGTERM)
                run.waitUntilExit()
            }
        }
        var address: String?
        if metrics {
            let deadline = ContinuousClock.now + .seconds(600)
            while address == nil, ContinuousClock.now < deadline {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                if let line = text.split(separator: "\n").first(where: { $0.contains("metrics server listening") }),
                    let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                {
                    address = object["address"] as? String
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let warm = ContinuousClock.now
        while ContinuousClock.now - warm < .seconds(900) {
            let before = Child.cpuSeconds(run.processIdentifier)
            try await Task.sleep(for: .seconds(5))
            if Child.cpuSeconds(run.processIdentifier) - before < 2.5 { break }
        }
        try await Task.sleep(for: .seconds(10))
        let cpu0 = Child.cpuSeconds(run.processIdentifier)
        let wall0 = ContinuousClock.now
        var scrapes: [Scrape] = []
        while ContinuousClock.now - wall0 < steady.duration {
            if let address {
                let start = ContinuousClock.now
                let (data, _) = try await URLSession.shared.data(from: URL(string: "http://\(address)/metrics")!)
                let text = String(decoding: data, as: UTF8.self)
                let series = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.count
                scrapes.append(Scrape(seconds: (ContinuousClock.now - start).seconds, bytes: data.count, series: series))
            }
            try await Task.sleep(for: min(scrapeEvery.duration, steady.duration - (ContinuousClock.now - wall0)))
        }
        let cpu = (Child.cpuSeconds(run.processIdentifier) - cpu0) / (ContinuousClock.now - wall0).seconds
        return (cpu, scrapes)
    }
}
