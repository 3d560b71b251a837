import ArgumentParser
import BosunController
import BosunSpec
import BosunStore
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// `bosun bench ingest`: cold ingest, reaction latency and peak memory, each next to a baseline
/// measured in the same run.
struct BenchIngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Measure cold ingest, spec-change reaction latency and `bosun run` peak memory.")

    @Option(help: "Spec files to generate.")
    var files: Int = 1000

    @Option(help: "Reaction trials.")
    var trials: Int = 100

    @Flag(help: "Skip the peak-memory measurement (it spawns `bosun run`).")
    var skipMemory = false

    func validate() throws {
        guard (1...20_000).contains(files) else { throw ValidationError("--files must be from 1 to 20000") }
        guard (1...10_000).contains(trials) else { throw ValidationError("--trials must be from 1 to 10000") }
    }

    func run() async throws {
        BenchSupport.quietLogging()
        let (root, specs) = try BenchSupport.scratch("ingest")
        defer { try? FileManager.default.removeItem(atPath: root) }
        for i in 0..<files { try BenchSpecs.write(index: i, image: "img-1", into: specs) }
        print("bosun bench ingest: \(files) spec files, \(trials) reaction trials, \(ProcessInfo.processInfo.activeProcessorCount) cores")

        // Baseline: read + parse + validate every file, no database.
        var decodeOnly = SpecScanner(directory: specs)
        let decodeTime = try Self.time { _ = decodeOnly.scan() }

        let store = try Store(path: root + "/bench.db")
        // The bench wrote every file completely: read them at once (settling is measured elsewhere).
        let ingester = Ingester(store: store, directory: specs, settle: 0)
        let coldTime = try await Self.timeAsync { _ = try await ingester.pass() }
        let count = try store.clusterStatuses().count
        print(String(format: "cold ingest        %8.3f s   (%d clusters accepted; target <= 2 s)", coldTime, count))
        print(String(format: "  baseline: decode %8.3f s   ratio ingest/decode %.2f", decodeTime, coldTime / decodeTime))

        let reaction = try await measureReaction(store: store, ingester: ingester, specs: specs)
        let watcherOnly = try await measureWatcher(root: root)
        print(String(format: "reaction p50       %8.1f ms  p99 %.1f ms  max %.1f ms (target p99 <= 200 ms)",
                     reaction.p(50), reaction.p(99), reaction.max))
        print(String(format: "  baseline: inotify p50 %.1f ms p99 %.1f ms; ratio p50 %.2f",
                     watcherOnly.p(50), watcherOnly.p(99), reaction.p(50) / max(watcherOnly.p(50), 0.001)))
        try store.close()

        if !skipMemory {
            let empty = root + "/empty"
            try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
            let base = try await Self.peakMemory(specs: empty, db: root + "/mem0.db", expect: 0)
            let loaded = try await Self.peakMemory(specs: specs, db: root + "/mem.db", expect: files)
            print(String(format: "peak RSS bosun run %8.1f MiB with %d clusters", loaded / 1024, files))
            print(String(format: "  baseline: %.1f MiB with 0 clusters; ratio %.2f", base / 1024, loaded / base))
        }
    }

    /// Rename a changed spec into place, then poll the database until its generation moves.
    private func measureReaction(store: Store, ingester _: Ingester, specs: String) async throws -> Samples {
        // As `bosun run` does: the watcher's tracker sees each rename into place, so the changed
        // file is read at once, with the default settle time in force for anything else.
        let tracker = WriteTracker()
        let ingester = Ingester(store: store, directory: specs, tracker: tracker)
        let service = IngestService(ingester: ingester, directory: specs, relistInterval: .seconds(3600), tracker: tracker)
        let task = Task { try await service.run() }
        defer { task.cancel() }
        let ready = ContinuousClock.now + .seconds(30)
        while await ingester.passCount == 0 && ContinuousClock.now < ready { try await Task.sleep(for: .milliseconds(5)) }
        var samples = Samples()
        for trial in 0..<trials {
            let index = trial % files
            let name = BenchSpecs.name(index)
            let before = try store.clusterStatuses(name: name).first?.generation ?? 0
            let start = ContinuousClock.now
            try BenchSpecs.write(index: index, image: "img-\(trial + 2)", into: specs, atomically: true)
            let deadline = start + .seconds(10)
            while (try store.clusterStatuses(name: name).first?.generation ?? 0) == before {
                guard ContinuousClock.now < deadline else { throw ValidationError("trial \(trial): no reaction within 10 s") }
                try await Task.sleep(for: .microseconds(500))
            }
            samples.add(ContinuousClock.now - start)
        }
        return samples
    }

    /// The bare watcher: rename into a directory, wait for the stream to yield.
    private func measureWatcher(root: String) async throws -> Samples {
        let dir = root + "/watch-only"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let stream = try DirectoryWatcher(directory: dir).changes()
        var iterator = stream.makeAsyncIterator()
        try await Task.sleep(for: .milliseconds(100))
        var samples = Samples()
        for trial in 0..<trials {
            let start = ContinuousClock.now
            try BenchSpecs.write(index: 0, image: "img-\(trial)", into: dir, atomically: true)
            _ = await iterator.next()
            samples.add(ContinuousClock.now - start)
        }
        return samples
    }

    /// Starts `bosun run` on `specs`, waits until `expect` clusters are in its database, and
    /// returns its VmHWM in KiB.
    static func peakMemory(specs: String, db: String, expect: Int) async throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["run", "--db", db, "--specs", specs, "--log-level", "error"]
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if FileManager.default.fileExists(atPath: db), let store = try? Store(path: db),
                let n = try? store.clusterStatuses().count, n >= expect
            {
                try? store.close()
                try await Task.sleep(for: .milliseconds(300))
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return BenchSupport.peakRSSKiB(pid: process.processIdentifier)
    }

    static func time(_ body: () throws -> Void) throws -> Double {
        let start = ContinuousClock.now
        try body()
        return (ContinuousClock.now - start).seconds
    }

    static func timeAsync(_ body: () async throws -> Void) async throws -> Double {
        let start = ContinuousClock.now
        try await body()
        return (ContinuousClock.now - start).seconds
    }
}

/// Latency samples in milliseconds.
struct Samples {
    private(set) var values: [Double] = []

    mutating func add(_ d: Duration) { values.append(d.seconds * 1000) }

    func p(_ percentile: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((percentile / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[Swift.min(Swift.max(rank, 0), sorted.count - 1)]
    }

    var max: Double { values.max() ?? 0 }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

/// Generated spec files for benchmarks: a 3-master / 5-worker cluster each.
enum BenchSpecs {
    static func name(_ index: Int) -> String { "bench-\(String(format: "%05d", index))" }

    static func write(index: Int, image: String, into dir: String, atomically: Bool = false) throws {
        let text = """
            name: \(name(index))
            provider: sim
            image: \(image)
            kubernetes: { version: "1.31.2" }
            update: { canaries: 1, maxInFlight: "25%" }
            groups:
              - name: master
                instances: 3
                azs: [z1, z2, z3]
                vmType: small
                disk: { size: 5GiB }
                loadBalancer: \(name(index))-api
                jobs: [etcd, kube-apiserver, kubelet]
              - name: worker
                instances: 5
                azs: [z1, z2, z3]
                vmType: large
                jobs: [kubelet, kube-proxy]
                properties:
                  kubelet: { max-pods: 110 }

            """
        let path = dir + "/\(name(index)).yaml"
        if atomically {
            let tmp = dir + "/.\(name(index)).yaml.tmp"
            try text.write(toFile: tmp, atomically: false, encoding: .utf8)
            guard rename(tmp, path) == 0 else { throw ValidationError("rename failed: \(errno)") }
        } else {
            try text.write(toFile: path, atomically: false, encoding: .utf8)
        }
    }
}
