import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 7's canary: a file holding a unique token, reached through a symlink from outside the
/// specs directory (`ln -s /etc/shadow specs/x.yaml` used to put every line of it into
/// `spec_file_errors`, `events` and `status`). The token must appear nowhere: not in the
/// database files, the events, the logs, or any command's output.
@Suite struct CanaryTests {
    @Test func aSymlinkedSecretLeaksNowhere() async throws {
        let token = "CANARY-\(UUID().uuidString)"
        let w = try SimWorld()
        let outside = w.dir + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: false)
        // Shaped like /etc/shadow and like YAML, so a reader that parsed it would quote it.
        let secret = """
            root:$y$\(token)$hash:19700:0:99999:7:::
            \(token): 1
            name: \(token.lowercased())
            - \(token)

            """
        try secret.write(toFile: outside + "/shadow", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: w.specs + "/x.yaml", withDestinationPath: outside + "/shadow")
        try FileManager.default.createSymbolicLink(atPath: w.specs + "/y.yaml", withDestinationPath: "../outside/shadow")
        try w.publish(TruthTests.small)

        var outputs: [(String, BosunProcess.Result)] = []
        func record(_ args: [String], cwd: String? = nil) throws -> BosunProcess.Result {
            let r = try BosunProcess.run(args, cwd: cwd, environment: ["BOSUN_SETTLE": "0s"])
            outputs.append((args.joined(separator: " "), r))
            return r
        }
        let paths = ["--db", w.db, "--specs", w.specs]
        for format in ["text", "json"] {
            let logging = ["--log-level", "trace", "--log-format", format]
            let validate = try record(["validate", "x.yaml", "y.yaml", "demo.yaml"] + logging, cwd: w.specs)
            #expect(validate.status == 1)
            #expect(validate.stdout.contains("x.yaml:1:1: (file): symlink points outside the specs directory"))
            _ = try record(["validate", "--json", "x.yaml", "y.yaml"] + logging, cwd: w.specs)
            _ = try record(["plan"] + paths + logging)
            _ = try record(["plan", "--json"] + paths + logging)
            let apply = try record(["apply"] + paths + logging)
            #expect(apply.status == 1, "the symlinked files are rejected specs")
            _ = try record(["apply", "--json", "demo"] + paths + logging)
            for read in [["status"], ["status", "--json"], ["status", "demo"], ["events"], ["events", "--json"]] {
                let r = try record(read + paths + logging)
                #expect(r.status == 0, "\(read): \(r.stderr)")
            }
        }
        // The controller too: its logs while it ingests and reconciles.
        let log = w.dir + "/run.log"
        let run = try BosunProcess.start(["run", "--relist", "200ms", "--interval", "1s", "--log-level", "trace"] + paths, log: log)
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        try await BosunProcess.waitFor("a pass of the controller") {
            (try? String(contentsOfFile: log, encoding: .utf8))?.contains("initial ingestion pass") == true
        }
        kill(run.processIdentifier, SIGTERM)
        _ = try await BosunProcess.waitExit(run)

        let status = try record(["status"] + paths)
        #expect(status.stdout.contains("\(w.specs)/x.yaml:1:1: (file): symlink points outside the specs directory"))
        #expect(try w.sql("SELECT count(*) FROM spec_errors WHERE message LIKE 'symlink points outside%'") == "2")
        #expect(try w.sql("SELECT cluster || ' ' || phase FROM cluster_status") == "demo converged")

        for (command, result) in outputs {
            #expect(!result.stdout.contains(token), "stdout of \(command)")
            #expect(!result.stderr.contains(token), "stderr of \(command)")
        }
        #expect(!(try String(contentsOfFile: log, encoding: .utf8)).contains(token), "run log")
        let needle = Data(token.utf8), lower = Data(token.lowercased().utf8)
        for name in try FileManager.default.contentsOfDirectory(atPath: w.dir) where name.hasPrefix("bosun") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: w.dir + "/" + name))
            #expect(bytes.range(of: needle) == nil && bytes.range(of: lower) == nil, "\(name) holds the token")
        }
        let everything = try w.sql("SELECT group_concat(path || field || message, '') FROM spec_file_errors")
            + w.sql("SELECT group_concat(kind || message, '') FROM events")
        #expect(!everything.contains(token) && !everything.contains(token.lowercased()))
    }
}
