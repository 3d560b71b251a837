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

    @Test(arguments: [10, 60, 150, 230])
    func sigkillDuringApplyThenRestartConvergesExactly(killAfterSucceeded: Int) async throws {
        let w = try SimWorld()
        // Latency keeps calls in flight when the kill lands.
        #expect(try w.bosun(["sim", "faults", "--latency", "5ms", "--jitter", "5ms"]).status == 0)
        try w.publish(Self.big)
        let apply = try BosunProcess.start(["apply", "--db", w.db, "--specs", w.specs, "--workers", "16"] + SimWorld.fast, log: w.dir + "/a.log")
        try await BosunProcess.waitFor("\(killAfterSucceeded) actions done", timeout: .seconds(60)) {
            (Int(try w.sql("SELECT count(*) FROM actions WHERE state = 'succeeded'")) ?? 0) >= killAfterSucceeded || !apply.isRunning
        }
        #expect(apply.isRunning, "the kill must land mid-apply (255 actions in all)")
        kill(apply.processIdentifier, SIGKILL)
        _ = try await BosunProcess.waitExit(apply)
        let unfinished = try w.sql("SELECT count(*) FROM actions WHERE state IN ('running', 'pending')")
        // A lease left by the dead process expires after its TTL; the restart then takes over.
        let again = try w.bosun(["apply", "--workers", "16"], fast: true)
        #expect(again.status == 0, "unfinished at kill: \(unfinished)\n\(again.stdout)\(again.stderr)")
        try w.expectExact(masters: 5, workers: 45)
        #expect(try w.sql("SELECT count(*) FROM actions WHERE state IN ('running', 'pending')") == "0")
        // Nothing leaked: every VM and disk the cloud has belongs to a desired instance.
        #expect(try w.vms().count == 50)
        #expect(try w.disks().count == 50, "no second disk for any instance")
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
        // Let the controllers run two more scheduled passes over the converged cluster.
        for _ in 0..<2 {
            let last = try w.sql("SELECT last_pass_at FROM clusters")
            try await BosunProcess.waitFor("another scheduled pass") { try w.sql("SELECT last_pass_at FROM clusters") != last }
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
}
