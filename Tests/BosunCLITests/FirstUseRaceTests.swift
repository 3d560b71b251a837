import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 7 item 6: many processes opening a fresh path at once all succeed. Four `bosun sim
/// vms` started together used to fail 6 times in 80 with `NotASimDatabase … (tables:
/// grdb_migrations)`: one process looked at the file while another was creating its schema.
@Suite struct FirstUseRaceTests {
    static let processes = 16

    /// Starts `count` processes, releases them together through a gate file, and returns what
    /// each printed. Each waits for the gate in a shell loop, so all are running before any opens.
    func race(_ count: Int, in dir: String, _ arguments: [String]) async throws -> [BosunProcess.Result] {
        let gate = dir + "/.go"
        let script = #"while [ ! -e "$1" ]; do sleep 0.005; done; shift; exec "$@""#
        var running: [(Process, String)] = []
        for i in 0..<count {
            let log = dir + "/.race-\(i).log"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script, "sh", gate, BosunProcess.binary] + arguments
            var env = ProcessInfo.processInfo.environment
            env["BOSUN_SETTLE"] = "0s"
            for key in ["BOSUN_DB", "BOSUN_SPECS", "BOSUN_SIM_STATE"] { env.removeValue(forKey: key) }
            process.environment = env
            process.currentDirectoryURL = URL(fileURLWithPath: dir)
            guard FileManager.default.createFile(atPath: log, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            running.append((process, log))
        }
        #expect(FileManager.default.createFile(atPath: gate, contents: nil))
        var results: [BosunProcess.Result] = []
        for (process, log) in running {
            let status = try await BosunProcess.waitExit(process, timeout: .seconds(60))
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            results.append(BosunProcess.Result(status: status, stdout: output, stderr: ""))
        }
        return results
    }

    @Test func sixteenSimResetsOnAFreshPathAllSucceed() async throws {
        for _ in 0..<3 {
            let dir = try tempDirectory()
            let results = try await race(Self.processes, in: dir, ["sim", "reset", "--state", dir + "/bosun-sim.db"])
            for r in results { #expect(r.status == 0, "\(r.stdout)") }
            // And the file they made is a sim state every later command accepts.
            #expect(try BosunProcess.run(["sim", "vms", "--state", dir + "/bosun-sim.db"]).status == 0)
        }
    }

    /// `apply` creates both files, the state database and the sim state, on first use.
    @Test func sixteenAppliesOnAFreshDirectoryAllSucceed() async throws {
        for _ in 0..<2 {
            let dir = try tempDirectory()
            let results = try await race(Self.processes, in: dir, ["apply", "--db", dir + "/bosun.db", "--specs", dir + "/specs"])
            for r in results { #expect(r.status == 0, "\(r.stdout)") }
            let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasPrefix(".") }.sorted()
            #expect(names == ["bosun-sim.db", "bosun.db", "specs"])
            #expect(try sqlite3(dir + "/bosun.db", "SELECT count(*) FROM grdb_migrations") != "0")
        }
    }
}
