import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Every process a local-provider test started, found through /proc by what ties it to the
/// test's directory (its command line or its working directory), killed at once. Tests call
/// it when they end, failed or not.
enum LocalProcesses {
    static func pids(under root: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard pid != getpid() else { return false }
            let cmdline = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))).map {
                String(decoding: $0.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            } ?? ""
            let cwd = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")) ?? ""
            return cmdline.contains(root) || cwd.hasPrefix(root)
        }
    }

    static func killAll(under root: String) {
        for _ in 0..<3 {
            let pids = pids(under: root)
            if pids.isEmpty { return }
            for pid in pids { kill(pid, SIGSTOP) }
            for pid in pids { kill(pid, SIGKILL) }
            usleep(100_000)
        }
    }
}
