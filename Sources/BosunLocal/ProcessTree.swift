import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Processes that outlive the command that started them (a VM's supervision tree, a load
/// balancer), identified by pid *and* start time so a reused pid is never mistaken for them.
enum ProcessTree {
    /// A process as recorded: its pid and its start time in clock ticks since boot.
    struct Handle: Sendable, Hashable {
        var pid: Int32
        var start: Int64
    }

    /// Starts `argv` in a new session, detached from this process (the shell that forks it
    /// exits at once, so the tree is never this process's zombie), with stdin from /dev/null
    /// and stdout and stderr appended to `log`, and `environment` only. Returns the handle of
    /// the started process.
    static func spawnDetached(_ argv: [String], log: String) throws -> Handle {
        let quoted = argv.map(shellQuote).joined(separator: " ")
        let script = "exec setsid \(quoted) </dev/null >>\(shellQuote(log)) 2>&1 & echo $!"
        // A minimal environment: nothing of the controller's (cloud credentials, say) reaches a
        // VM or a load balancer.
        let result = try Command.run(["/bin/sh", "-c", script], environment: Self.environment)
        guard let pid = Int32(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw LocalError.terminal("SpawnFailed", "could not start \(argv.first ?? "?")")
        }
        // The start time is read once the child exists; it is what makes the handle unique.
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline {
            if let start = startTime(pid) { return Handle(pid: pid, start: start) }
            usleep(2_000)
        }
        throw LocalError.terminal("SpawnFailed", "\(argv.first ?? "?") exited at once; see \(log)")
    }

    /// The process's start time (field 22 of /proc/PID/stat), or nil when it is gone or a zombie.
    static func startTime(_ pid: Int32) -> Int64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3); the start time is field 22, fields[19].
        guard fields.count > 19, fields[0] != "Z", fields[0] != "X" else { return nil }
        return Int64(fields[19])
    }

    /// Whether the recorded process still runs (not a zombie, not a reused pid). When /proc
    /// cannot be read for another reason than the process being gone (out of descriptors,
    /// say), it counts as alive: a VM is never taken for crashed, and restarted over itself,
    /// on a failed read.
    static func isAlive(_ handle: Handle) -> Bool {
        if let start = startTime(handle.pid) { return start == handle.start }
        var info = stat()
        let gone = stat("/proc/\(handle.pid)", &info) != 0 && errno == ENOENT
        if gone { return false }
        // The directory exists but the stat file did not read: a zombie, or unreadable.
        guard let text = try? String(contentsOfFile: "/proc/\(handle.pid)/stat", encoding: .utf8) else { return true }
        return !(text.contains(") Z ") || text.contains(") X "))
    }

    /// Kills the process and every descendant at once: all are stopped first (SIGSTOP, again
    /// until a scan finds no new one, so none forks past it and no supervisor restarts a child
    /// between the kills), then killed (SIGKILL). Supervisors put jobs in their own sessions,
    /// so a process group would not reach them; the parent links in /proc do. Returns once
    /// every one of them has exited (at most 5 s).
    static func killTree(_ handle: Handle) {
        guard isAlive(handle) else { return }
        var stopped: Set<Int32> = []
        for _ in 0..<10 {
            var tree = [handle.pid]
            var frontier = [handle.pid]
            let children = parentMap()
            while let pid = frontier.popLast() {
                let kids = children[pid] ?? []
                tree += kids
                frontier += kids
            }
            let fresh = tree.filter { !stopped.contains($0) }
            if fresh.isEmpty { break }
            for pid in fresh { kill(pid, SIGSTOP) }
            stopped.formUnion(fresh)
        }
        for pid in stopped { kill(pid, SIGKILL) }
        // A signal sent is not a process gone: a caller that starts a replacement right away
        // (on the same address, over the same directory) must not race the old tree's exit.
        // So this returns once each is gone or a zombie, or after 5 s.
        var left = stopped
        let deadline = Date().addingTimeInterval(5)
        while !left.isEmpty, Date() < deadline {
            // Ours to reap only if this process started it; otherwise init does.
            for pid in left { _ = waitpid(pid, nil, WNOHANG) }
            left = left.filter { startTime($0) != nil }
            if !left.isEmpty { usleep(2_000) }
        }
    }

    /// Children by parent pid, from /proc.
    private static func parentMap() -> [Int32: [Int32]] {
        var map: [Int32: [Int32]] = [:]
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return map }
        for entry in entries {
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) { map[parent, default: []].append(pid) }
        }
        return map
    }

    /// What VMs and load balancers start with.
    static let environment = ["PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"]

    static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
