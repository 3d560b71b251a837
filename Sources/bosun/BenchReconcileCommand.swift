import ArgumentParser
import BosunController
import BosunModel
import BosunPlanner
import BosunProvider
import BosunSim
import BosunSpec
import BosunStore
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// `bosun bench reconcile`: apply makespan against its lower bound, controller CPU and SQLite
/// transactions per action, planning cost split into loading / observing / planning, and the
/// latency from a spec rename to the first action dispatched.
struct BenchReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile", abstract: "Measure planning, applying and spec-to-action latency on the sim provider.")

    @Option(help: "Clusters of 10 instances to apply.")
    var clusters: Int = 100

    @Option(help: "Worker slots.")
    var workers: Int = 32

    @Option(help: ArgumentHelp("Sim latency per call.", valueName: "duration"))
    var latency: DurationOption = DurationOption(.milliseconds(20))

    @Option(help: "Spec-rename trials.")
    var trials: Int = 50

    @Option(help: "Clusters of 10 instances to plan (the applied ones plus more, converged at zero latency first).")
    var planClusters: Int = 1000

    func run() async throws {
        BenchSupport.quietLogging()
        let (root, specs) = try BenchSupport.scratch("reconcile")
        defer { try? FileManager.default.removeItem(atPath: root) }
        for i in 0..<clusters { try Self.writeSpec(i, workers: 7, into: specs) }
        print("bosun bench reconcile: \(clusters) clusters × 10 instances, \(workers) workers, sim latency \(latency.defaultValueDescription)")

        let store = try Store(path: root + "/bench.db")
        let sim = try SimCloud(path: root + "/sim.db")
        _ = try await sim.console.configure { $0.faults = SimFaults(latency: latency.duration) }
        var policy = ExecutionPolicy()
        policy.workers = workers
        policy.pollInterval = .milliseconds(20)
        let reconciler = BenchSupport.reconciler(store: store, sim: sim, policy: policy, seed: 1)
        try await Ingester(store: store, directory: specs, settle: 0).pass()
        let names = try store.reconcilableClusters()

        // 1. Apply everything at once.
        let txBefore = store.writeTransactions
        let cpuBefore = Self.cpuSeconds()
        let start = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for name in names {
                group.addTask {
                    while case .progressed = await reconciler.reconcile(name) {}
                }
            }
        }
        let makespan = (ContinuousClock.now - start).seconds
        let cpu = Self.cpuSeconds() - cpuBefore
        let tx = store.writeTransactions - txBefore
        let stats = try Self.journalStats(root + "/bench.db")
        let bound = max(stats.criticalPath, stats.totalActionTime / Double(workers))
        print(String(format: "apply makespan     %8.2f s   %d actions, %d instances converged", makespan, stats.actions,
                     try store.clusterStatuses().reduce(0) { $0 + $1.healthy }))
        print(String(format: "  lower bound      %8.2f s   (critical path %.2f s, total action time / workers %.2f s); ratio %.3f (target <= 1.10)",
                     bound, stats.criticalPath, stats.totalActionTime / Double(workers), makespan / bound))
        print(String(format: "  CPU per action   %8.3f ms  (whole process, sim included; target <= 1 ms)", cpu * 1000 / Double(stats.actions)))
        print(String(format: "  SQLite write transactions per action %.2f", Double(tx) / Double(stats.actions)))

        // 2. Planning: bring the cloud to `planClusters` converged clusters (zero latency), then
        // load each from the database, observe it on the sim and plan it.
        _ = try await sim.console.configure { $0.faults = SimFaults() }
        for i in clusters..<max(clusters, planClusters) { try Self.writeSpec(i, workers: 7, into: specs) }
        try await Ingester(store: store, directory: specs, settle: 0).pass()
        let all = try store.reconcilableClusters()
        let fill = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for name in all where !names.contains(name) {
                group.addTask { while case .progressed = await reconciler.reconcile(name) {} }
            }
        }
        let fillTime = (ContinuousClock.now - fill).seconds
        var load = 0.0, observe = 0.0, plan = 0.0
        var instances = 0
        for name in all {
            let t0 = ContinuousClock.now
            guard let state = try store.clusterState(name) else { continue }
            let t1 = ContinuousClock.now
            let observed = try await Self.observe(sim, name, state.loadBalancers)
            let t2 = ContinuousClock.now
            let p = Planner().plan(cluster: name, desired: state.spec, goal: .converge, observed: observed, recorded: state.recorded)
            let t3 = ContinuousClock.now
            precondition(p.isEmpty, "bench cluster \(name) not converged")
            load += (t1 - t0).seconds
            observe += (t2 - t1).seconds
            plan += (t3 - t2).seconds
            instances += state.recorded.instances.count
        }
        print(String(format: "planning %d clusters (%d instances, converged; filled in %.1f s)", all.count, instances, fillTime))
        print(String(format: "  planner          %8.1f ms  (target <= 100 ms)", plan * 1000))
        print(String(format: "  load rows        %8.1f ms  (%.0f %% of load + plan)", load * 1000, 100 * load / (load + plan)))
        print(String(format: "  observe (sim)    %8.1f ms  (provider calls, for scale)", observe * 1000))

        // 3. Spec rename to first action dispatched, through the real ingest + controller services.
        let controller = ControllerService(reconciler: reconciler, interval: .seconds(3600), logger: Logger(label: "bench"))
        // As in `bosun run`: the watcher's tracker sees renames into place, so they are read at once.
        let tracker = WriteTracker()
        let ingester = Ingester(store: store, directory: specs, tracker: tracker)
        let ingest = IngestService(ingester: ingester, directory: specs, relistInterval: .seconds(3600), tracker: tracker) { report in
            await controller.enqueue(report.accepted.map(\.name))
        }
        let services = Task { try await withThrowingTaskGroup(of: Void.self) { g in
            g.addTask { try await ingest.run() }
            g.addTask { try await controller.run() }
            try await g.next()
        } }
        defer { services.cancel() }
        // The controller starts with a pass over every cluster; measure after that sweep.
        let sweepStart = Date()
        while try store.clusterStatuses().contains(where: { ($0.lastPassAt ?? "") < Store.databaseTime(sweepStart) }) {
            try await Task.sleep(for: .milliseconds(50))
        }
        let sweep = (Date().timeIntervalSince(sweepStart))
        print(String(format: "start-up sweep     %8.2f s   (a pass over all %d converged clusters)", sweep, all.count))
        var accepted = Samples(), dispatched = Samples()
        for trial in 0..<trials {
            let index = trial % clusters
            let name = Self.name(index)
            let before = try Self.count(root + "/bench.db", "SELECT count(*) FROM actions WHERE cluster = '\(name)' AND started_at IS NOT NULL")
            let generation = try store.clusterStatuses(name: name).first?.generation ?? 0
            let t0 = ContinuousClock.now
            try Self.writeSpec(index, workers: 8 + trial, into: specs, atomically: true)
            var sawAccept = false
            let deadline = t0 + .seconds(10)
            while ContinuousClock.now < deadline {
                if !sawAccept, (try store.clusterStatuses(name: name).first?.generation ?? 0) > generation {
                    accepted.add(ContinuousClock.now - t0)
                    sawAccept = true
                }
                if try Self.count(root + "/bench.db", "SELECT count(*) FROM actions WHERE cluster = '\(name)' AND started_at IS NOT NULL") > before {
                    dispatched.add(ContinuousClock.now - t0)
                    break
                }
                try await Task.sleep(for: .microseconds(500))
            }
        }
        print(String(format: "rename → accepted  p50 %6.1f ms  p99 %6.1f ms", accepted.p(50), accepted.p(99)))
        print(String(format: "rename → 1st action p50 %6.1f ms  p99 %6.1f ms  (ratio to accepted p50 %.2f)",
                     dispatched.p(50), dispatched.p(99), dispatched.p(50) / max(accepted.p(50), 0.001)))
        print(String(format: "peak RSS           %8.1f MiB", BenchSupport.peakRSSKiB() / 1024))
        services.cancel()

        // 4. Retention: what a pruning round (here with no age limit, as after `--retain`
        // has passed) removes from this journal, and what it costs.
        let rowsBefore = try store.rowCounts()
        let pruneStart = ContinuousClock.now
        let pruned = try store.prune(RetentionPolicy(maxAge: .zero))
        let pruneTime = (ContinuousClock.now - pruneStart).seconds
        let rowsAfter = try store.rowCounts()
        print(String(format: "prune              %8.1f ms  actions %d → %d, events %d → %d, known keys %d, %d batches",
                     pruneTime * 1000, rowsBefore["actions"] ?? 0, rowsAfter["actions"] ?? 0, rowsBefore["events"] ?? 0,
                     rowsAfter["events"] ?? 0, rowsAfter["known_keys"] ?? 0, pruned.batches))
        try? sim.close()
    }

    static func observe(_ sim: SimCloud, _ cluster: String, _ lbs: Set<String>) async throws -> Observed {
        let vms = try await sim.listVMs(cluster: cluster)
        let ids = Set(vms.map(\.id))
        var members: [String: Set<String>] = [:]
        for lb in lbs { members[lb] = Set(try await sim.listMembers(lb: lb)).intersection(ids) }
        return Observed(vms: vms, disks: try await sim.listDisks(cluster: cluster), members: members,
                        health: try await sim.health(cluster: cluster))
    }

    struct JournalStats {
        var actions = 0
        var totalActionTime = 0.0
        var criticalPath = 0.0
    }

    /// From the journal: number of actions, summed action time, and the longest instance chain.
    static func journalStats(_ db: String) throws -> JournalStats {
        let rows = try sqlite(db, """
            SELECT instance_id, (julianday(finished_at) - julianday(started_at)) * 86400.0 FROM actions
            WHERE state = 'succeeded' AND started_at IS NOT NULL
            """)
        var stats = JournalStats()
        var chains: [String: Double] = [:]
        for line in rows.split(separator: "\n") {
            let parts = line.split(separator: "|")
            guard parts.count == 2, let d = Double(parts[1]) else { continue }
            stats.actions += 1
            stats.totalActionTime += d
            chains[String(parts[0]), default: 0] += d
        }
        stats.criticalPath = chains.values.max() ?? 0
        return stats
    }

    static func count(_ db: String, _ sql: String) throws -> Int { Int(try sqlite(db, sql).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 }

    static func sqlite(_ db: String, _ sql: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        p.arguments = ["-cmd", ".timeout 5000", db, sql]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
            + Double(usage.ru_stime.tv_usec) / 1e6
    }

    static func name(_ i: Int) -> String { "r-\(String(format: "%04d", i))" }

    static func writeSpec(_ i: Int, workers: Int, into dir: String, atomically: Bool = false) throws {
        let text = """
            name: \(name(i))
            provider: sim
            image: img-1
            kubernetes: { version: "1.31.2" }
            groups:
              - name: master
                instances: 3
                azs: [z1, z2, z3]
                vmType: small
                disk: { size: 1GiB }
                loadBalancer: \(name(i))-api
                jobs: [etcd, kubelet]
              - name: worker
                instances: \(workers)
                azs: [z1, z2, z3]
                vmType: large
                jobs: [kubelet]

            """
        let path = dir + "/\(name(i)).yaml"
        if atomically {
            try text.write(toFile: dir + "/.tmp-\(i)", atomically: false, encoding: .utf8)
            rename(dir + "/.tmp-\(i)", path)
        } else {
            try text.write(toFile: path, atomically: false, encoding: .utf8)
        }
    }
}
