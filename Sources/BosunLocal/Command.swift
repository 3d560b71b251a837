import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs a short helper program to completion (`sh`, `haproxy -c`, `etcdctl`) with
/// posix_spawn and waitpid: no run loop and no SIGCHLD, so it is safe on Swift concurrency's
/// few threads, where Foundation's `Process.waitUntilExit` can wait forever (it relies on a
/// SIGCHLD that a thread not blocking it can swallow).
public enum Command {
    /// Held while one spawn's pipes exist in this process but are not yet closed here.
    private static let spawning = Mutex(())

    /// Exit status (128 + N when killed by signal N), stdout and stderr.
    public struct Result: Sendable {
        public var status: Int32
        public var output: String
        public var errors: String
    }

    /// Runs `argv` (an absolute path first) with `environment` (default: this process's) and
    /// stdin from /dev/null. Throws only when it cannot be started.
    public static func run(_ argv: [String], environment: [String: String]? = nil) throws -> Result {
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        // A helper spawned by another thread must not inherit these pipes: a long-lived child
        // holding a write end (a VM's supervisor, started through `sh`) would keep the reads
        // below open forever. So: close-on-exec, and one spawn at a time between making the
        // pipes and closing this side's write ends.
        let (pid, out, err) = try spawning.withLock { _ in try spawn(argv, env) }
        let (output, errors) = drain(out, err)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw LocalError.terminal("SpawnFailed", "lost \(argv[0]): \(String(cString: strerror(errno)))") }
        }
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: code, output: output, errors: errors)
    }

    /// Spawns with stdin from /dev/null and stdout, stderr to new pipes; returns the pid and
    /// the read ends.
    private static func spawn(_ argv: [String], _ env: [String]) throws -> (pid_t, Int32, Int32) {
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0 else { throw LocalError.terminal("SpawnFailed", "pipe: \(String(cString: strerror(errno)))") }
        guard pipe(&errPipe) == 0 else {
            for fd in outPipe { close(fd) }
            throw LocalError.terminal("SpawnFailed", "pipe: \(String(cString: strerror(errno)))")
        }
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        var cArgs = argv.map { strdup($0) } + [nil]
        var cEnv = env.map { strdup($0) } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArgs, &cEnv)
        close(outPipe[1])
        close(errPipe[1])
        guard spawned == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw LocalError.terminal("SpawnFailed", "cannot run \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        return (pid, outPipe[0], errPipe[0])
    }

    /// Reads both pipes to their ends together (poll), so a child writing much to one while
    /// the other is being read never blocks; closes both.
    private static func drain(_ out: Int32, _ err: Int32) -> (String, String) {
        defer {
            close(out)
            close(err)
        }
        var data: [[UInt8]] = [[], []]
        var open = [true, true]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while open[0] || open[1] {
            var fds = [pollfd(fd: open[0] ? out : -1, events: Int16(POLLIN), revents: 0), pollfd(fd: open[1] ? err : -1, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for i in 0..<2 where open[i] && fds[i].revents != 0 {
                let n = read(fds[i].fd, &buffer, buffer.count)
                if n > 0 { data[i] += buffer[0..<n] } else if !(n < 0 && errno == EINTR) { open[i] = false }
            }
        }
        return (String(decoding: data[0], as: UTF8.self), String(decoding: data[1], as: UTF8.self))
    }
}
