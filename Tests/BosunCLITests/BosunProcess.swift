import BosunLocal
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The built `bosun` binary, run as an operator would run it.
struct BosunProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `BOSUN_BIN`, else the newest `bosun` in the package's build folders.
    static var binary: String {
        if let bin = ProcessInfo.processInfo.environment["BOSUN_BIN"], !bin.isEmpty { return bin }
        let candidates = [".build/debug/bosun", ".build/release/bosun"].map { root.appendingPathComponent($0).path }
        let existing = candidates.filter { FileManager.default.isExecutableFile(atPath: $0) }
        let newest = existing.max { modified($0) < modified($1) }
        guard let newest else {
            Issue.record("no built bosun binary in .build/debug or .build/release; run `swift build` first")
            return "/nonexistent/bosun"
        }
        return newest
    }

    private static func modified(_ path: String) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
    }

    /// Runs to completion and captures everything.
    static func run(_ arguments: [String], cwd: String? = nil, environment: [String: String] = [:]) throws -> Result {
        if cwd == nil {
            // posix_spawn and waitpid: Foundation's waitUntilExit can miss the child's exit
            // in a process whose threads do not all block SIGCHLD, and then waits forever.
            let done = try Command.run([binary] + arguments, environment: make(arguments, cwd: nil, environment: environment).environment)
            return Result(status: done.status, stdout: done.output, stderr: done.errors)
        }
        let process = make(arguments, cwd: cwd, environment: environment)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Starts in the background (stderr to a file, for diagnosis).
    /// Starts another program (`script`, for a pseudo-terminal) with its output discarded.
    static func startRaw(_ executable: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        return process
    }

    /// `wrapper` (e.g. `setpriv …` to run as another user) goes in front of the binary.
    static func start(
        _ arguments: [String], cwd: String? = nil, log: String, environment: [String: String] = [:], wrapper: [String] = []
    ) throws -> Process {
        let process = make(arguments, cwd: cwd, environment: environment)
        if let tool = wrapper.first {
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = Array(wrapper.dropFirst()) + [binary] + arguments
        }
        guard FileManager.default.createFile(atPath: log, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    private static func make(_ arguments: [String], cwd: String?, environment: [String: String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env.removeValue(forKey: "BOSUN_DB")
        env.removeValue(forKey: "BOSUN_SPECS")
        // Tests write a spec and run `plan` or `apply` at once; with the default settle time
        // those would wait 2 s for the file to be quiet. Tests of settling set it themselves.
        env["BOSUN_SETTLE"] = "0s"
        env.removeValue(forKey: "BOSUN_DELETION_GRACE")
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        return process
    }

    /// Polls until `condition` holds, for at most `timeout`.
    static func waitFor(_ what: String, timeout: Duration = .seconds(20), _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? condition()) == true { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("timed out waiting for \(what)")
        throw CancellationError()
    }

    /// Waits for a process to exit, at most `timeout`.
    static func waitExit(_ process: Process, timeout: Duration = .seconds(20)) async throws -> Int32 {
        try await waitFor("process \(process.processIdentifier) to exit", timeout: timeout) { !process.isRunning }
        return process.terminationStatus
    }
}

/// Runs the real `sqlite3` shell against `path`.
func sqlite3(_ path: String, _ sql: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = ["-cmd", ".timeout 5000", path, sql]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

func tempDirectory() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-cli-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir + "/specs", withIntermediateDirectories: true)
    return dir
}
