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
import ServiceLifecycle

/// `bosun bench drift`: how fast `bosun run` heals a killed VM with drift detection on, and
/// what one observation sweep costs per 1,000 instances (controller CPU, provider calls), with
/// one inventory sweep and with every cluster observed on its own.
struct BenchDriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift", abstract: "Measure kill-to-healthy time under drift detection and the cost of a sweep.")

    @Option(help: "Kill trials.")
    var trials: Int = 20

    @Option(help: ArgumentHelp("Drift interval of the controller under test.", valueName: "duration"))
    var driftInterval: DurationOption = DurationOption(.seconds(1))

    @Option(help: "Clusters of 10 instances observed in the sweep measurement.")
    var sweepClusters: Int = 100

    @Option(help: "Sweeps measured per mode (the median is printed).")
    var sweepRepeats: Int = 3

    @Option(help: "Seed for the choice of VMs to kill.")
    var seed: UInt64 = 1

    func run() async throws {
        BenchSupport.quietLogging()
        let (root, specs) = try BenchSupport.scratch("drift")
        defer { try? FileManager.default.removeItem(atPath: root) }
        print("bosun bench drift: \(trials) kills, drift interval \(driftInterval.defaultValueDescription), zero sim latency; "
            + "sweep over \(sweepClusters) clusters × 10 instances")
        for i in 0..<sweepClusters { try BenchReconcileCommand.writeSpec(i, workers: 7, into: specs) }
        let store = try Store(path: root + "/bench.db")
        let sim = try SimCloud(path: root + "/sim.db")
        var policy = ExecutionPolicy()
        policy.workers = 32
        policy.pollInterval = .milliseconds(5)
        policy.retry = RetryPolicy(base: .milliseconds(50), cap: .milliseconds(500), maxAttempts: 8)
        let reconciler = BenchSupport.reconciler(store: store, sim: sim, policy: policy, seed: seed)
        try await Ingester(store: store, directory: specs, settle: 0).pass()
        let names = try store.reconcilableClusters()
        for name in names { _ = await converge(reconciler, name) }

        // 1. The cost of one sweep: every cluster observed, nothing planned; one inventory
        // sweep (what `bosun run` does) against every cluster on its own (what it did before).
        let service = ControllerService(
            reconciler: reconciler, interval: .seconds(3600), driftInterval: driftInterval.duration, logger: Logger(label: "bench"))
        for name in names { _ = await reconciler.reconcile(name) }  // each settled: the sweep compares against it
        var figures: [Bool: SweepFigures] = [:]
        for bulk in [true, false] {
            var runs: [SweepFigures] = []
            for _ in 0..<max(1, sweepRepeats) {
                try await sim.console.resetCalls()
                let cpu0 = BenchReconcileCommand.cpuSeconds()
                let wall0 = ContinuousClock.now
                let drifted = await DriftSweep(reconciler: reconciler, bulk: bulk).drifted(try store.sweepTargets())
                let wall = (ContinuousClock.now - wall0).seconds
                let cpu = BenchReconcileCommand.cpuSeconds() - cpu0
                let calls = try await sim.console.calls().reduce(0) { $0 + $1.calls }
                if !drifted.isEmpty { print("  (unexpected drift in \(drifted.count) settled clusters)") }
                runs.append(SweepFigures(wall: wall, cpu: cpu, calls: calls))
            }
            let median = runs.sorted { $0.cpu < $1.cpu }[runs.count / 2]
            figures[bulk] = median
            let per1000 = 1000.0 / Double(names.count * 10)
            let label = bulk ? "sweep (bulk):       " : "sweep (per-cluster):"
            print(label + String(
                format: " %d clusters: %.3f s wall, %.3f s CPU, %d provider calls (median of %d); per 1,000 instances: %.3f s CPU, %.0f calls",
                names.count, median.wall, median.cpu, median.calls, runs.count, median.cpu * per1000, Double(median.calls) * per1000))
        }
        if let b = figures[true], let p = figures[false] {
            print(String(format: "bulk / per-cluster: wall %.3f×, CPU %.3f×, calls %.4f×", b.wall / p.wall, b.cpu / p.cpu,
                         Double(b.calls) / Double(max(1, p.calls))))
        }
        guard trials > 0 else {
            try? sim.close()
            try? store.close()
            return
        }

        // 2. Kill → healthy with the controller running.
        let group = ServiceGroup(configuration: .init(services: [.init(service: service)], logger: Logger(label: "bench")))
        let running = Task { try await group.run() }
        var rng = SplitMix64(seed: seed)
        var samples: [Double] = []
        let target = names[0]
        for _ in 0..<trials {
            let vms = try await sim.console.vms(cluster: target)
            let victim = vms[Int(rng.next() % UInt64(vms.count))]
            let start = ContinuousClock.now
            try await sim.console.kill(vm: victim.vm.id)
            let deadline = start.advanced(by: .seconds(60))
            while ContinuousClock.now < deadline {
                let now = try await sim.console.vms(cluster: target)
                if let back = now.first(where: { $0.vm.instanceID == victim.vm.instanceID && $0.vm.id != victim.vm.id }),
                    back.vm.state == .running, !back.jobs.isEmpty, back.jobs.values.allSatisfy({ $0 == .running })
                {
                    break
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            samples.append((ContinuousClock.now - start).seconds)
            // Let the controller finish its pass (LB registration) before the next kill.
            try await waitConverged(store, target)
        }
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        samples.sort()
        func pct(_ p: Double) -> Double { samples[min(samples.count - 1, Int((Double(samples.count) * p).rounded(.up)) - 1)] }
        print(String(format: "kill → healthy over %d trials: p50 %.3f s, p99 %.3f s, max %.3f s (target p99 ≤ 2 s)",
                     samples.count, pct(0.5), pct(0.99), samples.last ?? 0))
        try? sim.close()
        try? store.close()
    }

    private struct SweepFigures {
        var wall: Double
        var cpu: Double
        var calls: Int
    }

    private func converge(_ reconciler: Reconciler, _ name: String) async -> Bool {
        for _ in 0..<20 {
            if case .converged = await reconciler.reconcile(name) { return true }
        }
        return false
    }

    private func waitConverged(_ store: Store, _ name: String) async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while ContinuousClock.now < deadline {
            if try store.clusterStatuses(name: name).first.map({ $0.phase == "converged" && $0.healthy == $0.desired }) == true { return }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
