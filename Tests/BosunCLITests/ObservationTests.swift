import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A provider that cannot be observed leaves the cluster alone and says so (issue 7, item 7):
/// phase `unknown`, one `observation-failed` event per streak, nothing planned or done, and
/// `observation-recovered` when the provider answers again.
@Suite(.serialized) struct ObservationTests {
    func count(_ w: SimWorld, _ kind: String) throws -> Int {
        Int(try w.sql("SELECT count(*) FROM events WHERE kind = '\(kind)'")) ?? -1
    }

    @Test func applyLooksAgainAfterATransientObservationFailureThenSaysUnknown() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 1, workers: 1))
        #expect(try w.apply().status == 0)
        #expect(try w.bosun(["sim", "faults", "--operation", "listVMs", "--error-rate", "1"]).status == 0)
        let applied = try w.apply()
        #expect(applied.status == 1 && applied.stdout.contains("unknown"), "\(applied.stdout)")
        let looks = applied.stderr.components(separatedBy: "demo: could not observe cluster demo: listVMs failed").count - 1
        #expect(looks == 2 && applied.stderr.contains("looking again in 1s") && applied.stderr.contains("looking again in 2s"), "\(applied.stderr)")
        #expect(try w.bosun(["sim", "faults", "--clear"]).status == 0)
        #expect(try w.apply().status == 0, "seen again, nothing to do")
    }

    @Test func applyAndPlanReportAnUnobservableClusterAndChangeNothing() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 1, workers: 2))
        #expect(try w.apply().status == 0)
        // A VM vanishes while listing VMs fails: healing must wait, not act on a blind guess.
        let victim = try #require(try w.vms().first { $0.instanceId == "demo/worker/1" })
        #expect(try w.bosun(["sim", "kill", victim.id]).status == 0)
        #expect(try w.bosun(["sim", "faults", "--operation", "listVMs", "--terminal-rate", "1"]).status == 0)
        let plansBefore = try count(w, "plan-started")

        for _ in 0..<3 {
            let applied = try w.apply()
            #expect(applied.status == 1)
            #expect(applied.stdout.contains("unknown"), "\(applied.stdout)")
            #expect(applied.stdout.contains("could not observe cluster demo: listVMs failed"), "\(applied.stdout)")
        }
        #expect(try w.sql("SELECT phase FROM cluster_status") == "unknown")
        #expect(try w.sql("SELECT last_error FROM cluster_status").contains("listVMs failed"))
        #expect(try count(w, "observation-failed") == 1, "one event per failure streak, not one per pass")
        #expect(try w.sql("SELECT message FROM events WHERE kind = 'observation-failed'").contains("injected fault: listVMs failed"))
        #expect(try count(w, "plan-started") == plansBefore, "nothing was planned")
        #expect(try w.sql("SELECT count(*) FROM actions WHERE state IN ('pending', 'running')") == "0")

        let plan = try w.bosun(["plan", "--detailed-exitcode"], fast: true)
        #expect(plan.status == 1)
        #expect(plan.stderr.contains("could not observe cluster demo: listVMs failed"), "\(plan.stderr)")
        let status = try w.bosun(["status"])
        #expect(status.stdout.contains("unknown"))

        // The provider answers again: one recovery event, then the missing worker is healed.
        #expect(try w.bosun(["sim", "faults", "--clear"]).status == 0)
        let healed = try w.apply()
        #expect(healed.status == 0, "\(healed.stdout)\(healed.stderr)")
        #expect(try count(w, "observation-recovered") == 1)
        #expect(try count(w, "observation-failed") == 1)
        #expect(try w.sql("SELECT phase || ' ' || coalesce(last_error, '-') FROM cluster_status") == "converged -")
        try w.expectExact(masters: 1, workers: 2)
    }

    @Test func runRetriesWithBackoffAndRecovers() async throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 1, workers: 1))
        #expect(try w.apply().status == 0)
        // Retryable this time: the observer's own retries give up, then the controller backs off.
        // The inventory fails too: a sweep that saw the cluster as settled would vouch for it.
        #expect(try w.bosun(["sim", "faults", "--operation", "listDisks", "--error-rate", "1"]).status == 0)
        #expect(try w.bosun(["sim", "faults", "--operation", "inventoryPage", "--error-rate", "1"]).status == 0)
        let log = w.dir + "/run.log"
        let run = try BosunProcess.start(
            ["run", "--db", w.db, "--specs", w.specs, "--interval", "300ms"] + SimWorld.fast, log: log)
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }

        try await BosunProcess.waitFor("phase unknown") { try w.sql("SELECT phase FROM cluster_status") == "unknown" }
        try await BosunProcess.waitFor("three retried passes", timeout: .seconds(30)) {
            let text = try String(contentsOfFile: log, encoding: .utf8)
            return text.components(separatedBy: "could not observe cluster demo: listDisks failed").count > 3
        }
        #expect(try count(w, "observation-failed") == 1)
        #expect(try w.sql("SELECT last_error FROM cluster_status").contains("listDisks failed: ServiceUnavailable"))

        #expect(try w.bosun(["sim", "faults", "--clear"]).status == 0)
        try await BosunProcess.waitFor("recovered and converged", timeout: .seconds(30)) {
            try w.sql("SELECT phase FROM cluster_status") == "converged"
        }
        #expect(try count(w, "observation-recovered") == 1)
        kill(run.processIdentifier, SIGTERM)
        #expect(try await BosunProcess.waitExit(run) == 0)
        try w.expectExact(masters: 1, workers: 1)
    }
}
