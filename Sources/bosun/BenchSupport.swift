import BosunController
import BosunSim
import BosunStore
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// What every benchmark needs: quiet logs, a scratch directory, peak memory.
enum BenchSupport {
    /// Logs at error level only, so figures are not buried.
    static func quietLogging() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }
    }

    /// A fresh `<tmp>/bosun-bench-<name>-<pid>` with a `specs` folder; the caller removes it.
    static func scratch(_ name: String) throws -> (root: String, specs: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-bench-\(name)-\(getpid())").path
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root + "/specs", withIntermediateDirectories: true)
        return (root, root + "/specs")
    }

    /// Peak resident set (VmHWM) of a process, in KiB; 0 if it cannot be read.
    static func peakRSSKiB(pid: Int32 = getpid()) -> Double {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }

    /// A reconciler over `store` and the sim cloud `sim`, with no rate limit, as the benchmarks
    /// drive it in-process.
    static func reconciler(store: Store, sim: SimCloud, policy: ExecutionPolicy, seed: UInt64 = 1) -> Reconciler {
        Reconciler(
            store: store,
            providers: ProviderRegistry([.sim: ProviderHandle(infrastructure: sim, agent: sim, bucket: TokenBucket(ratePerSecond: nil))]),
            pool: WorkerPool(capacity: policy.workers), policy: policy, random: RandomSource(seed: seed), ids: { UUID().uuidString },
            owner: LeaseOwner.name(role: "bench"), stop: StopSignal(), logger: Logger(label: "bench"))
    }
}
