import Foundation
import Testing

/// The built `bosun` binary, run as a separate process the way an operator runs it.
enum BosunBinary {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `BOSUN_BIN`; else the `bosun` built beside this test bundle; else the newest of
    /// `.build/debug/bosun` and `.build-sim/debug/bosun`.
    static func path() throws -> String {
        if let bin = ProcessInfo.processInfo.environment["BOSUN_BIN"], !bin.isEmpty { return bin }
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let beside = testBinary.deletingLastPathComponent().appendingPathComponent("bosun").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        let candidates = [".build/debug/bosun", ".build-sim/debug/bosun"].map { packageRoot.appendingPathComponent($0).path }
            .filter { FileManager.default.isExecutableFile(atPath: $0) }
        guard let newest = candidates.max(by: { modified($0) < modified($1) }) else {
            throw BinaryMissing()
        }
        return newest
    }

    struct BinaryMissing: Error, CustomStringConvertible {
        var description: String {
            "no built bosun binary: set BOSUN_BIN, or run `swift build` (or `swift build --scratch-path .build-sim`) first"
        }
    }

    private static func modified(_ path: String) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
    }

    /// Starts `bosun arguments…` in `directory`, with stdout and stderr going to temp files.
    static func start(
        _ arguments: [String], in directory: String, name: String, environment extra: [String: String] = [:],
        executable: String? = nil
    ) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable ?? path())
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        for key in ["BOSUN_DB", "BOSUN_SPECS", "BOSUN_SIM_STATE"] { environment.removeValue(forKey: key) }
        environment.merge(extra) { $1 }
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let outputs = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
        let running = Running(process: process, stdout: outputs + ".out", stderr: outputs + ".err")
        for file in [running.stdout, running.stderr] {
            guard FileManager.default.createFile(atPath: file, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: running.stdout))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: running.stderr))
        try process.run()
        return running
    }

    /// Runs `bosun arguments…` to completion.
    static func run(
        _ arguments: [String], in directory: String, environment: [String: String] = [:], executable: String? = nil
    ) async throws -> Result {
        return try await start(arguments, in: directory, name: "bosun", environment: environment, executable: executable).finish()
    }

    struct Running {
        var process: Process
        var stdout: String
        var stderr: String

        /// Waits (polling, at most 60 s) for the process to exit and returns what it printed.
        func finish() async throws -> Result {
            let deadline = ContinuousClock.now + .seconds(60)
            while process.isRunning {
                guard ContinuousClock.now < deadline else {
                    process.terminate()
                    throw CancellationError()
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            defer { for file in [stdout, stderr] { try? FileManager.default.removeItem(atPath: file) } }
            return Result(
                status: process.terminationStatus, stdout: try String(contentsOfFile: stdout, encoding: .utf8),
                stderr: try String(contentsOfFile: stderr, encoding: .utf8))
        }
    }
}
