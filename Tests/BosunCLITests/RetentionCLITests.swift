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

    /// The case: crash/restart cycles left thousands of cancelled rows. Each SIGKILL
    /// here lands while creates are in flight (the sim made the VM but holds the reply), so the
    /// next process adopts VMs by key and cancels the rest; the final apply prunes to the caps,
    /// and every VM is still Bosun's afterwards.
    @Test func crashCyclesLeaveABoundedJournal() async throws {
        let w = try SimWorld()
        #expect(try w.bosun(["sim", "faults", "--operation", "createVM", "--latency", "60s"]).status == 0)
        // The cycles leave all 7 VMs without jobs, past the default meltdown threshold (5): this
        // test is about the journal, so healing them all at once is allowed.
        try w.publish(SimWorld.spec(masters: 1, workers: 6) + "healing: { meltdown: { minDown: 100 } }\n")
        let retain = ["--retain-actions", "10", "--retain-events", "10"]
        // Two workers: each cycle holds at most two creates, so every cycle has creates left to do.
        for cycle in 0..<4 {
            let seen = cycle == 0 ? "0" : try w.sql("SELECT coalesce(max(id), 0) FROM actions")
            let vmsBefore = try w.vms().count
            let apply = try BosunProcess.start(
                ["apply", "--db", w.db, "--specs", w.specs, "--workers", "2"] + retain + SimWorld.fast, log: w.dir + "/a\(cycle).log")
            try await BosunProcess.waitFor("a new create in flight, its VM made (cycle \(cycle))", timeout: .seconds(30)) {
                // Before bosun has made its tables sqlite3 prints nothing: not a match.
                let running = Int(try w.sql("SELECT count(*) FROM actions WHERE id > \(seen) AND kind = 'create-vm' AND state = 'running'")) ?? 0
                // Journaled as running is not yet made: kill only once the sim holds each VM
                // (it makes the VM, then holds the reply), or a loaded machine kills between the two.
                return try running > 0 && w.vms().count >= vmsBefore + running
            }
            kill(apply.processIdentifier, SIGKILL)
            _ = try await BosunProcess.waitExit(apply)
        }
        // Every held create had happened: the cloud has all 7 VMs, 6 of them adopted by key so far.
        #expect(try w.vms().count == 7)
        #expect((Int(try w.sql("SELECT count(*) FROM events WHERE kind = 'recovered'")) ?? 0) >= 6)
        #expect(try w.bosun(["sim", "faults", "--operation", "createVM", "--clear"]).status == 0)
        let final = try w.apply(retain)
        #expect(final.status == 0, "\(final.stdout)\(final.stderr)")
        #expect(try w.sql("SELECT count(*) FROM actions WHERE state IN ('pending', 'running')") == "0")
        #expect((Int(try w.sql("SELECT count(*) FROM actions")) ?? 99) <= 10)
        #expect((Int(try w.sql("SELECT count(*) FROM events WHERE cluster = 'demo'")) ?? 99) <= 10)
        #expect(try w.sql("SELECT count(*) FROM known_keys WHERE kind = 'create-vm'") != "0")
        try w.expectExact(masters: 1, workers: 6)
        #expect(try w.vms().count == 7, "no VM leaked or left as a rogue")
        let plan = try w.bosun(["plan", "--detailed-exitcode"], fast: true)
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(!plan.stdout.contains("rogue"))
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
