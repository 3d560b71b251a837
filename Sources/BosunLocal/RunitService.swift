import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One job's runit service directory in a VM (`service/JOB`): its `run` script, and the
/// control and status files of the `runsv` that supervises it. Driven through those files, as
/// `sv` does, so nothing depends on runit's pids (which a PID namespace hides).
struct RunitService: Sendable {
    let directory: String

    enum Status: String, Sendable {
        case run, down, finish
    }

    /// Writes the service: `run` execs `command` with stderr joined to stdout, and `log/run`
    /// keeps its output in `logs` (svlogd, rotated). A `down` file keeps it stopped until `up`.
    func install(command: [String], logs: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory + "/log", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: logs, withIntermediateDirectories: true)
        if !fm.fileExists(atPath: directory + "/run") {
            _ = fm.createFile(atPath: directory + "/down", contents: Data())
        }
        try write(directory + "/run", "#!/bin/sh\nexec 2>&1\nexec \(command.map(ProcessTree.shellQuote).joined(separator: " "))\n")
        try write(directory + "/log/run", "#!/bin/sh\nexec svlogd -tt \(ProcessTree.shellQuote(logs))\n")
    }

    private func write(_ path: String, _ text: String) throws {
        let tmp = path + ".tmp"
        try Data(text.utf8).write(to: URL(fileURLWithPath: tmp))
        chmod(tmp, 0o755)
        guard rename(tmp, path) == 0 else { throw LocalError.terminal("LocalFailure", "cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    /// Whether runsv supervises the service yet (it creates `supervise/ok` when it starts).
    var isSupervised: Bool { FileManager.default.fileExists(atPath: directory + "/supervise/ok") }

    /// runsv's view of the service: whether it wants it up and whether it runs.
    var status: Status? {
        // supervise/stat holds "run", "down" or "finish", plus ", want up" style suffixes.
        guard let text = try? String(contentsOfFile: directory + "/supervise/stat", encoding: .utf8) else { return nil }
        let word = text.split(whereSeparator: { $0 == "," || $0 == "\n" }).first.map(String.init) ?? ""
        return Status(rawValue: word.trimmingCharacters(in: .whitespaces))
    }

    /// The pid of the running job (namespace-local inside a PID namespace; only compared).
    var pid: String? {
        let text = (try? String(contentsOfFile: directory + "/supervise/pid", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        return text?.isEmpty == false && text != "0" ? text : nil
    }

    /// Sends runsv a command byte: `u` up, `d` down, `t` TERM (restarts when wanted up), `k` KILL.
    /// Waits up to `timeout` for runsv to supervise the service first (runsvdir notices a new
    /// service within about a second). Throws retryable when it does not.
    func control(_ command: Character, timeout: TimeInterval = 15) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !isSupervised {
            guard Date() < deadline else {
                throw LocalError.retryable("IncorrectState", "service \(directory) is not supervised yet")
            }
            usleep(20_000)
        }
        let fd = open(directory + "/supervise/control", O_WRONLY | O_NONBLOCK)
        guard fd >= 0 else { throw LocalError.retryable("IncorrectState", "cannot reach runsv of \(directory): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var byte = UInt8(command.asciiValue ?? 0)
        guard Glibc.write(fd, &byte, 1) == 1 else { throw LocalError.retryable("IncorrectState", "runsv of \(directory) did not take the command") }
        if command == "u" { unlink(directory + "/down") }
        if command == "d" { _ = FileManager.default.createFile(atPath: directory + "/down", contents: Data()) }
    }

    /// Waits until `condition` holds, polling every 20 ms, for at most `timeout`.
    static func wait(_ timeout: TimeInterval, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() >= deadline { return false }
            usleep(20_000)
        }
        return true
    }
}
