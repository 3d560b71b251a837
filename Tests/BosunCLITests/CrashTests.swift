import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Crash safety with real processes and real signals: SIGKILL mid-apply, restart, and nothing
/// is duplicated or leaked; two controllers on one database never run an action twice.
@Suite(.serialized) struct CrashTests {
    /// A 50-instance cluster: 5 masters (disks, LB) and 45 workers (disks).
    static let big = SimWorld.spec(masters: 5, workers: 45, workerUpdate: "{ canaries: 1, maxInFlight: 10 }")

    /// Each case holds one kind of provider call for a minute (the sim applies the call, then
    /// delays its reply), waits until the journal shows such calls in flight, and SIGKILLs the
    /// apply there: a create that happened but was never acknowledged, an attach half done…
    @Test(arguments: [("createVM", "create-vm"), ("createDisk", "create-disk"), ("attachDisk", "attach-disk"),
                      ("startJobs", "start-jobs"), ("register", "register-lb")])
    func sigkillDuringApplyThenRestartConvergesExactly(operation: String, kind: String) async throws {
        let w = try SimWorld()
        #expect(try w.bosun(["sim", "faults", "--latency", "2ms"]).status == 0)
        #expect(try w.bosun(["sim", "faults", "--operation", operation, "--latency", "60s"]).status == 0)
        try w.publish(Self.big)
        let apply = try BosunProcess.start(["apply", "--db", w.db, "--specs", w.specs, "--workers", "16"] + SimWorld.fast, log: w.dir + "/a.log")
        try await BosunProcess.waitFor("\(kind) calls in flight", timeout: .seconds(60)) {
            guard (Int(try w.sql("SELECT count(*) FROM actions WHERE kind = '\(kind)' AND state = 'running'")) ?? 0) >= 3 else { return false }
            // Journaled as running comes just before the call: for the creates to adopt, wait
            // until the cloud has made some (each then waits a minute to answer).
            guard operation == "createVM" else { return true }
            return (Int(try sqlite3(w.dir + "/bosun-sim.db", "SELECT count(*) FROM vms")) ?? 0) >= 3
        }
        #expect(apply.isRunning)
        kill(apply.processIdentifier, SIGKILL)
        _ = try await BosunProcess.waitExit(apply)
        let unfinished = try w.sql("SELECT count(*) FROM actions WHERE state = 'running'")
        #expect(unfinished != "0", "the kill left work in flight")
        #expect(try w.bosun(["sim", "faults", "--clear"]).status == 0)
        #expect(try w.bosun(["sim", "faults", "--operation", operation, "--clear"]).status == 0)
        // The dead process's lease is taken over at once (same host, process gone).
        let again = try w.bosun(["apply", "--workers", "16"], fast: true)
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        try w.expectExact(masters: 5, workers: 45)
        #expect(try w.sql("SELECT count(*) FROM actions WHERE state IN ('running', 'pending')") == "0")
        // Nothing leaked: every VM and disk the cloud has belongs to a desired instance.
        #expect(try w.vms().count == 50)
        #expect(try w.disks().count == 50, "no second disk for any instance")
        if operation == "createVM" {
            #expect(try w.sql("SELECT count(*) FROM events WHERE kind = 'recovered'") != "0", "acknowledged-never creates were adopted by key")
        }
    }

    @Test func sigtermDuringRunFinishesInFlightParksTheRestAndResumes() async throws {
        let w = try SimWorld()
        #expect(try w.bosun(["sim", "faults", "--latency", "20ms"]).status == 0)
        try w.publish(Self.big)
        let args = ["run", "--db", w.db, "--specs", w.specs, "--workers", "8"] + SimWorld.fast
        let run = try BosunProcess.start(args, log: w.dir + "/run.log")
        try await BosunProcess.waitFor("work under way", timeout: .seconds(60)) {
            (Int(try w.sql("SELECT count(*) FROM actions WHERE state = 'succeeded'")) ?? 0) >= 20
        }
        kill(run.processIdentifier, SIGTERM)
        #expect(try await BosunProcess.waitExit(run) == 0, "graceful stop exits 0")
        #expect(try w.sql("SELECT count(*) FROM actions WHERE state = 'running'") == "0", "nothing left half-done")
        #expect(try w.sql("SELECT count(*) FROM actions WHERE state = 'pending' AND last_error LIKE 'parked%'") != "0", "the rest was parked")
        #expect(!FileManager.default.fileExists(atPath: w.db + "-wal"), "the database was closed cleanly")
        // The status tells the truth: no longer reconciling, not converged, and why.
        #expect(try w.sql("SELECT phase FROM cluster_status") == "pending")
        let why = try w.sql("SELECT last_error FROM cluster_status")
        #expect(why.hasPrefix("interrupted: ") && why.contains(" parked; the next pass re-plans the rest"), "\(why)")
        let again = try w.bosun(["apply", "--workers", "16"], fast: true)
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        try w.expectExact(masters: 5, workers: 45)
        #expect(try w.vms().count == 50)
    }

    /// Ctrl-C during `apply`: in-flight actions finish, the rest is parked, the summary counts
    /// what was done, and `status` says the cluster is pending, not reconciling.
    @Test func sigintDuringApplyCountsWhatWasDoneAndLeavesATruthfulStatus() async throws {
        let w = try SimWorld()
        #expect(try w.bosun(["sim", "faults", "--latency", "20ms"]).status == 0)
        try w.publish(Self.big)
        let apply = try BosunProcess.start(["apply", "--db", w.db, "--specs", w.specs, "--workers", "4"] + SimWorld.fast, log: w.dir + "/apply.log")
        defer { if apply.isRunning { kill(apply.processIdentifier, SIGKILL) } }
        try await BosunProcess.waitFor("work under way", timeout: .seconds(60)) {
            (Int(try w.sql("SELECT count(*) FROM actions WHERE state = 'succeeded'")) ?? 0) >= 10
        }
        kill(apply.processIdentifier, SIGINT)
        #expect(try await BosunProcess.waitExit(apply, timeout: .seconds(60)) == 1, "an interrupted apply did not converge")
        let done = try w.sql("SELECT count(*) FROM actions WHERE state = 'succeeded'")
        let log = try String(contentsOfFile: w.dir + "/apply.log", encoding: .utf8)
        let row = try #require(log.split(separator: "\n").first { $0.hasPrefix("demo ") }, "\(log)")
        #expect(row.split(separator: " ", omittingEmptySubsequences: true).prefix(4) == ["demo", "stopped", "1", Substring(done)], "\(row)")
        #expect(row.contains("parked, re-planned by the next pass"))
        #expect(try w.sql("SELECT phase FROM cluster_status") == "pending")
        #expect(try w.bosun(["status"]).stdout.contains("interrupted: \(done) of "))
    }

    @Test func twoControllersOnOneDatabaseRunEachActionOnce() async throws {
        let w = try SimWorld()
        #expect(try w.bosun(["sim", "faults", "--latency", "2ms"]).status == 0)
        try w.publish(SimWorld.spec(masters: 3, workers: 12))
        let args = ["run", "--db", w.db, "--specs", w.specs, "--interval", "500ms"] + SimWorld.fast
        let a = try BosunProcess.start(args, log: w.dir + "/a.log")
        let b = try BosunProcess.start(args, log: w.dir + "/b.log")
        defer {
            for p in [a, b] where p.isRunning { kill(p.processIdentifier, SIGKILL) }
        }
        try await BosunProcess.waitFor("converged", timeout: .seconds(60)) {
            try w.sql("SELECT phase FROM cluster_status") == "converged"
        }
        // Let the controllers keep looking at the converged cluster for a while: scheduled passes
        // over an unchanged cluster write nothing (the fast path), so count the provider calls
        // they and the drift sweeps make instead.
        for _ in 0..<2 {
            let before = try Self.providerCalls(w)
            try await BosunProcess.waitFor("more passes") { try Self.providerCalls(w) > before + 8 }
        }
        for p in [a, b] { kill(p.processIdentifier, SIGTERM) }
        #expect(try await BosunProcess.waitExit(a) == 0)
        #expect(try await BosunProcess.waitExit(b) == 0)
        try w.expectExact(masters: 3, workers: 12)
        #expect(try w.sql("SELECT count(*) FROM actions WHERE kind = 'create-vm' AND state = 'succeeded'") == "15")
        #expect(try w.sql("SELECT count(*) FROM (SELECT plan_id FROM actions GROUP BY plan_id HAVING count(DISTINCT owner) > 1)") == "0",
                "no plan was worked on by two processes")
        let vmIDs = try w.vms().map { Int($0.id.dropFirst(3)) ?? 0 }
        #expect(vmIDs.max() == 15, "the cloud was asked for exactly 15 VMs")
    }

    /// Provider calls the sim has served (`bosun sim calls`).
    static func providerCalls(_ w: SimWorld) throws -> Int {
        struct Calls: Decodable { let totalCalls: Int }
        let out = try w.bosun(["sim", "calls", "--json"]).stdout
        return try w.decode(Calls.self, out).totalCalls
    }
}
