import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct CLITests {
    static let good = """
        name: demo
        provider: sim
        image: img-1
        kubernetes: { version: "1.31.2" }
        groups:
          - name: worker
            instances: 3
            azs: [z1, z2]
            vmType: small
            jobs: [kubelet]

        """

    func publish(_ dir: String, _ name: String, _ text: String) throws {
        try text.write(toFile: dir + "/specs/.\(name).tmp", atomically: false, encoding: .utf8)
        #expect(rename(dir + "/specs/.\(name).tmp", dir + "/specs/" + name) == 0)
    }

    @Test func validateReportsLocatedErrorsAndExitCodes() throws {
        let dir = try tempDirectory()
        try Self.good.write(toFile: dir + "/good.yaml", atomically: false, encoding: .utf8)
        try Self.good.replacingOccurrences(of: "instances: 3", with: "instances: lots")
            .write(toFile: dir + "/bad.yaml", atomically: false, encoding: .utf8)
        let ok = try BosunProcess.run(["validate", "good.yaml"], cwd: dir)
        #expect(ok.status == 0)
        #expect(ok.stdout == "good.yaml: ok (cluster demo)\n")
        let bad = try BosunProcess.run(["validate", "good.yaml", "bad.yaml"], cwd: dir)
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("bad.yaml:7:16: groups[0].instances: expected an integer from 0 to 10000, got the string 'lots'"))
        let json = try BosunProcess.run(["validate", "--json", "bad.yaml"], cwd: dir)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(parsed?.first?["valid"] as? Bool == false)
    }

    @Test func unknownFlagsAndMissingArgumentsAreUsageErrors() throws {
        let r = try BosunProcess.run(["validate"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("Missing expected argument '<files> ...'"))
        let s = try BosunProcess.run(["status", "--nope"])
        #expect(s.status != 0)
    }

    @Test func runIngestsBreaksAndKeepsOldVersionWhileSQLiteReads() async throws {
        let dir = try tempDirectory()
        let db = dir + "/bosun.db"
        try publish(dir, "demo.yaml", Self.good)
        let run = try BosunProcess.start(["run", "--db", db, "--specs", dir + "/specs"], log: dir + "/run.log")
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }

        // A separate sqlite3 process reads the view while `bosun run` writes.
        try await BosunProcess.waitFor("demo in cluster_status") {
            try sqlite3(db, "SELECT cluster || ' ' || desired || ' ' || generation FROM cluster_status") == "demo 3 1"
        }
        let status = try BosunProcess.run(["status", "--db", db])
        #expect(status.status == 0)
        #expect(status.stdout.contains("demo"))
        #expect(status.stdout.contains("active"))

        // Break the spec: precise error, old version stays desired.
        try publish(dir, "demo.yaml", Self.good.replacingOccurrences(of: "vmType: small", with: "vmType: small\n    colour: blue"))
        try await BosunProcess.waitFor("spec error recorded") {
            try sqlite3(db, "SELECT field || ': ' || message FROM spec_errors") == "groups[0].colour: unknown field; allowed here: name, instances, azs, vmType, disk, loadBalancer, jobs, properties, update"
        }
        #expect(try sqlite3(db, "SELECT generation FROM cluster_status") == "1")
        let broken = try BosunProcess.run(["status", "--db", db])
        #expect(broken.stdout.contains("specs/demo.yaml:10:5: groups[0].colour: unknown field"))
        let json = try BosunProcess.run(["status", "--db", db, "--json"])
        let doc = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let clusters = doc?["clusters"] as? [[String: Any]]
        #expect(clusters?.first?["desired"] as? Int == 3)
        #expect((doc?["spec_errors"] as? [[String: Any]])?.count == 1)

        // Fix it with a real change.
        try publish(dir, "demo.yaml", Self.good.replacingOccurrences(of: "instances: 3", with: "instances: 4"))
        try await BosunProcess.waitFor("generation 2") {
            try sqlite3(db, "SELECT generation || ' ' || desired || ' ' || (SELECT count(*) FROM spec_errors) FROM cluster_status") == "2 4 0"
        }
        let events = try BosunProcess.run(["events", "--db", db, "demo", "--json"])
        let kinds = (try JSONSerialization.jsonObject(with: Data(events.stdout.utf8)) as? [[String: Any]])?
            .compactMap { $0["kind"] as? String }.filter { $0.hasPrefix("spec-") }
        #expect(kinds == ["spec-accepted", "spec-rejected", "spec-accepted"])

        kill(run.processIdentifier, SIGTERM)
        #expect(try await BosunProcess.waitExit(run) == 0)
        #expect(!FileManager.default.fileExists(atPath: db + "-wal"), "graceful stop checkpoints the WAL")
    }

    @Test func sigintStopsGracefullyToo() async throws {
        let dir = try tempDirectory()
        let run = try BosunProcess.start(["run", "--db", dir + "/b.db", "--specs", dir + "/specs"], log: dir + "/run.log")
        try await BosunProcess.waitFor("signal handlers set") {
            try String(contentsOfFile: dir + "/run.log", encoding: .utf8).contains("bosun run ready")
        }
        kill(run.processIdentifier, SIGINT)
        #expect(try await BosunProcess.waitExit(run) == 0)
    }

    @Test func killedProcessLosesNothingAndRestartRecovers() async throws {
        let dir = try tempDirectory()
        let db = dir + "/bosun.db"
        for i in 0..<20 { try publish(dir, "c\(i).yaml", Self.good.replacingOccurrences(of: "name: demo", with: "name: c\(i)")) }
        let run = try BosunProcess.start(["run", "--db", db, "--specs", dir + "/specs"], log: dir + "/run.log")
        try await BosunProcess.waitFor("20 clusters") { try sqlite3(db, "SELECT count(*) FROM clusters") == "20" }
        kill(run.processIdentifier, SIGKILL)
        _ = try await BosunProcess.waitExit(run)
        #expect(FileManager.default.fileExists(atPath: db + "-wal"), "SIGKILL leaves the WAL behind")
        let status = try BosunProcess.run(["status", "--db", db, "--json"])
        #expect(status.status == 0)
        let doc = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        #expect((doc?["clusters"] as? [[String: Any]])?.count == 20)
        // A restart reads the same state and records no duplicate acceptances.
        let again = try BosunProcess.start(["run", "--db", db, "--specs", dir + "/specs"], log: dir + "/run2.log")
        try await BosunProcess.waitFor("restart's first pass") {
            try String(contentsOfFile: dir + "/run2.log", encoding: .utf8).contains("initial ingestion pass")
        }
        #expect(try sqlite3(db, "PRAGMA quick_check") == "ok")
        kill(again.processIdentifier, SIGTERM)
        #expect(try await BosunProcess.waitExit(again) == 0)
        #expect(try sqlite3(db, "SELECT count(*) FROM events WHERE kind = 'spec-accepted'") == "20")
    }

    @Test func environmentChoosesPaths() throws {
        let dir = try tempDirectory()
        // `status` only reads, so it names the path from the environment instead of creating it.
        let r = try BosunProcess.run(["status"], environment: ["BOSUN_DB": dir + "/env.db"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("no state database at \(dir)/env.db"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/env.db"))
    }

    @Test func badDatabasePathsAreClearErrors() throws {
        let dir = try tempDirectory()
        let missing = try BosunProcess.run(["status", "--db", dir + "/no/such/dir/b.db"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: state directory \(dir)/no/such/dir does not exist; create it or pass --db with another path\n")
        try "hello".write(toFile: dir + "/text.db", atomically: false, encoding: .utf8)
        let text = try BosunProcess.run(["status", "--db", dir + "/text.db"])
        #expect(text.status == 1)
        #expect(text.stderr.contains("is not a SQLite database"))
        #expect(try String(contentsOfFile: dir + "/text.db", encoding: .utf8) == "hello")
    }

    @Test func statusOfUnknownClusterFails() throws {
        let dir = try tempDirectory()
        #expect(try BosunProcess.run(["apply", "--db", dir + "/b.db", "--specs", dir + "/specs"]).status == 0)
        let r = try BosunProcess.run(["status", "--db", dir + "/b.db", "nope"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("no cluster named 'nope'"))
    }
}
