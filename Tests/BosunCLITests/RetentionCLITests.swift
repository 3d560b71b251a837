import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The state database stays flat over repeated passes (issue 7, item 8): `apply` prunes
/// finished history beyond `--retain-actions` / `--retain-events` at its end, and pruning never
/// makes Bosun mistake its own VMs for rogues.
@Suite(.serialized) struct RetentionCLITests {
    @Test func repeatedHealingAppliesKeepTheJournalFlat() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 1, workers: 2))
        let retain = ["--retain-actions", "12", "--retain-events", "8"]
        #expect(try w.apply(retain).status == 0)
        var sizes: [Int] = []
        for round in 0..<10 {
            // Something to heal every round, so every apply journals a plan and events.
            let victim = try #require(try w.vms().first { $0.instanceId == "demo/worker/\(round % 2)" })
            #expect(try w.bosun(["sim", "kill", victim.id]).status == 0)
            let applied = try w.apply(retain)
            #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
            let actions = Int(try w.sql("SELECT count(*) FROM actions")) ?? -1
            let events = Int(try w.sql("SELECT count(*) FROM events WHERE cluster = 'demo'")) ?? -1
            #expect(actions <= 12 && events <= 8, "round \(round): \(actions) actions, \(events) events")
            sizes.append(actions + events)
        }
        #expect(sizes.suffix(5).allSatisfy { $0 == 20 }, "flat at the caps: \(sizes)")
        // Every VM is still recognised as Bosun's: nothing to do, no rogue reported.
        #expect(try w.sql("SELECT count(*) FROM known_keys WHERE kind = 'create-vm'") != "0")
        let plan = try w.bosun(["plan", "--detailed-exitcode"], fast: true)
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(!plan.stdout.contains("rogue"))
        #expect(try w.sql("SELECT count(*) FROM events WHERE kind LIKE 'rogue%'") == "0")
        try w.expectExact(masters: 1, workers: 2)
    }

    @Test func runPrunesAtStart() async throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 1, workers: 2))
        #expect(try w.apply().status == 0)
        #expect((Int(try w.sql("SELECT count(*) FROM actions")) ?? 0) > 5)
        let run = try BosunProcess.start(
            ["run", "--db", w.db, "--specs", w.specs, "--retain-actions", "5", "--retain-events", "5"] + SimWorld.fast,
            log: w.dir + "/run.log")
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        try await BosunProcess.waitFor("pruned to the caps") {
            let actions = Int(try w.sql("SELECT count(*) FROM actions")) ?? 99
            let events = Int(try w.sql("SELECT count(*) FROM events WHERE cluster = 'demo'")) ?? 99
            return actions <= 5 && events <= 5
        }
        kill(run.processIdentifier, SIGTERM)
        #expect(try await BosunProcess.waitExit(run) == 0)
        #expect(try String(contentsOfFile: w.dir + "/run.log", encoding: .utf8).contains("pruned history"))
        try w.expectExact(masters: 1, workers: 2)
    }

    @Test func retentionOptionsAreChecked() throws {
        let w = try SimWorld()
        for bad in [["--retain", "10s"], ["--retain", "7x"], ["--retain-actions", "0"], ["--retain-events", "-1"]] {
            let result = try w.bosun(["apply"] + bad)
            #expect(result.status == 64, "\(bad): \(result.stderr)")
        }
    }
}
