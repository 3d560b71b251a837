import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// End to end: the built binary, the sim provider, real SQLite files.
@Suite(.serialized) struct ReconcileTests {
    @Test func createScaleAndPlanIsEmptyWhenConverged() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec())
        let applied = try w.apply()
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        try w.expectExact(masters: 3, workers: 5)
        let plan = try w.bosun(["plan", "--detailed-exitcode"], fast: true)
        #expect(plan.status == 0)
        #expect(plan.stdout.contains("demo: no changes"))
        #expect(try w.sql("SELECT phase || ' ' || running || ' ' || healthy FROM cluster_status") == "converged 8 8")

        try w.publish(SimWorld.spec(workers: 8))
        let changes = try w.bosun(["plan", "--detailed-exitcode"], fast: true)
        #expect(changes.status == 2)
        #expect(changes.stdout.contains("  + demo/worker/5: instance missing\n      #0 create VM"), "\(changes.stdout)")
        #expect(changes.stdout.contains("~ groups.worker.instances: 5 → 8"))
        #expect(changes.stdout.contains("Plan: 3 to add, 0 to change, 0 to replace, 0 to destroy."))
        #expect(try w.apply().status == 0)
        try w.expectExact(masters: 3, workers: 8)

        try w.publish(SimWorld.spec(workers: 2))
        #expect(try w.apply().status == 0)
        try w.expectExact(masters: 3, workers: 2)
        // Scale-down removed the highest indexes and kept their disks as orphans.
        let orphaned = try w.bosun(["disks", "orphaned", "--json"]).stdout
        struct Orphan: Decodable { let disk: String }
        #expect(try w.decode([Orphan].self, orphaned).count == 6)
        #expect(try w.disks().filter { $0.attachedTo == nil }.map(\.instanceId).sorted()
            == (2..<8).map { "demo/worker/\($0)" })
    }

    @Test func planJSONStatusDetailAndBadArguments() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 1, workers: 1))
        struct PlanDoc: Decodable {
            struct Action: Decodable { let id: Int; let instance: String?; let dependsOn: [Int]; let reason: String }
            let cluster: String
            let actions: [Action]
        }
        let planned = try w.bosun(["plan", "--json"], fast: true)
        #expect(planned.status == 0)
        let plans = try w.decode([PlanDoc].self, planned.stdout)
        #expect(plans.map(\.cluster) == ["demo"])
        #expect(plans.first?.actions.count == 11, "master: vm, disk, attach, start, wait, lb; worker: vm, disk, attach, start, wait")
        #expect(plans.first?.actions.allSatisfy { a in a.dependsOn.allSatisfy { $0 < a.id } } == true)
        #expect(try w.vms().isEmpty, "plan changes nothing")
        #expect(try w.apply().status == 0)
        let detail = try w.bosun(["status", "demo"])
        #expect(detail.stdout.contains("demo/master/0"))
        #expect(detail.stdout.contains("demo/worker/0"))
        #expect(detail.stdout.contains("healthy"))
        let unknown = try w.bosun(["apply", "nope"], fast: true)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no cluster named 'nope' (known: demo)"))
        let zero = try w.bosun(["apply", "--workers", "0"], fast: true)
        #expect(zero.status != 0)
        #expect(zero.stderr.contains("--workers must be from 1 to 1024"))
        let badDuration = try w.bosun(["run", "--interval", "soon"], fast: true)
        #expect(badDuration.status != 0)
        #expect(badDuration.stderr.contains("--interval"))
    }

    @Test func versionChangeCanaryFirstAndQuorumKept() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec())
        #expect(try w.apply().status == 0)
        let vmsBefore = Set(try w.vms().map(\.id))
        try w.publish(SimWorld.spec(version: "1.32.0"))
        #expect(try w.apply().status == 0)
        #expect(Set(try w.vms().map(\.id)) == vmsBefore, "a restart keeps every VM")
        // Replay the journal in order of completion: masters in the LB never below quorum.
        let rows = try w.sql("""
            SELECT kind || ' ' || instance_id FROM actions WHERE kind IN ('deregister-lb', 'register-lb') AND state = 'succeeded'
            AND plan_id = (SELECT plan_id FROM actions WHERE kind = 'restart-jobs' LIMIT 1) ORDER BY finished_at, id
            """).split(separator: "\n")
        var inLB = 3, lowest = 3
        for row in rows {
            inLB += row.hasPrefix("register") ? 1 : -1
            lowest = min(lowest, inLB)
        }
        #expect(rows.count == 6)
        #expect(lowest == 2, "never fewer than 2 of 3 masters in the LB")
        // The canary of each group went first: no other instance of the group started before it finished.
        for group in ["master", "worker"] {
            let canary = try w.sql("SELECT max(finished_at) FROM actions WHERE canary = 1 AND instance_id LIKE 'demo/\(group)/%' AND kind IN ('restart-jobs','wait-healthy','register-lb')")
            let others = try w.sql("SELECT min(started_at) FROM actions WHERE canary = 0 AND kind = 'restart-jobs' AND instance_id LIKE 'demo/\(group)/%'")
            #expect(!canary.isEmpty && others >= canary, "\(group): canary done \(canary), others started \(others)")
        }
    }

    @Test func vmTypeChangeRecreatesAndDiskSurvives() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec())
        #expect(try w.apply().status == 0)
        let disksBefore = Dictionary(uniqueKeysWithValues: try w.disks().map { ($0.instanceId, $0.id) })
        let workersBefore = Set(try w.vms().filter { $0.group == "worker" }.map(\.id))
        try w.publish(SimWorld.spec(workerType: "xlarge"))
        #expect(try w.apply().status == 0)
        let workers = try w.vms().filter { $0.group == "worker" }
        #expect(workers.allSatisfy { $0.vmType == "xlarge" })
        #expect(Set(workers.map(\.id)).isDisjoint(with: workersBefore), "every worker VM was recreated")
        let disksAfter = Dictionary(uniqueKeysWithValues: try w.disks().map { ($0.instanceId, $0.id) })
        #expect(disksAfter == disksBefore, "every disk kept its id")
        try w.expectExact(masters: 3, workers: 5)
    }

    @Test func diskGrowsInPlace() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec())
        #expect(try w.apply().status == 0)
        let before = try w.disks().filter { $0.instanceId.contains("master") }
        try w.publish(SimWorld.spec(masterDisk: "8GiB"))
        #expect(try w.apply().status == 0)
        let after = try w.disks().filter { $0.instanceId.contains("master") }
        #expect(Set(after.map(\.id)) == Set(before.map(\.id)))
        #expect(after.allSatisfy { $0.sizeMib == 8192 })
        #expect(try w.sql("SELECT count(*) FROM actions WHERE kind IN ('stop-jobs', 'create-vm') AND created_at > (SELECT min(created_at) FROM actions WHERE kind = 'resize-disk')") == "0")
    }

    @Test func failingCanaryHaltsTheRollout() async throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec())
        #expect(try w.apply().status == 0)
        // Jobs take 1.5 s to start, so the canary's kubelet can be broken while it is starting.
        #expect(try w.bosun(["sim", "faults", "--job-start-time", "1500ms"]).status == 0)
        try w.publish(SimWorld.spec(version: "1.32.0"))
        let apply = try BosunProcess.start(["apply", "--db", w.db, "--specs", w.specs] + SimWorld.fast, log: w.dir + "/apply.log")
        try await BosunProcess.waitFor("canary restarted") {
            try w.sql("SELECT count(*) FROM actions WHERE canary = 1 AND kind = 'restart-jobs' AND state = 'succeeded' AND instance_id = 'demo/master/0'") == "1"
        }
        let canaryVM = try w.vms().first { $0.instanceId == "demo/master/0" }!.id
        #expect(try w.bosun(["sim", "fail-job", canaryVM, "kubelet"]).status == 0)
        #expect(try await BosunProcess.waitExit(apply) == 1, "apply fails")
        let restarted = try w.sql("SELECT count(DISTINCT instance_id) FROM actions WHERE kind = 'restart-jobs' AND state = 'succeeded'")
        #expect(restarted == "1", "only the canary was touched")
        #expect(try w.sql("SELECT phase FROM cluster_status") == "failed")
        #expect(try w.sql("SELECT last_error FROM cluster_status").contains("job kubelet failed on \(canaryVM)"))
        #expect(try w.sql("SELECT count(*) FROM actions WHERE state = 'cancelled'") != "0")
    }

    @Test func retryableFaultsAndTimeoutsStillConverge() throws {
        let w = try SimWorld()
        #expect(try w.bosun(["sim", "faults", "--error-rate", "0.3", "--timeout-rate", "0.05", "--timeout-hang", "50ms", "--seed", "7"]).status == 0)
        try w.publish(SimWorld.spec())
        let r = try w.bosun(["apply", "--max-attempts", "30"], fast: true)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(try w.bosun(["sim", "faults", "--clear"]).status == 0)
        try w.expectExact(masters: 3, workers: 5)
        #expect(Int(try w.sql("SELECT sum(attempts) - count(*) FROM actions")) ?? 0 > 0, "faults forced retries")
    }

    @Test func actionsTimeOutAndGiveUpAfterMaxAttempts() throws {
        let w = try SimWorld()
        #expect(try w.bosun(["sim", "faults", "--operation", "startJobs", "--latency", "30s"]).status == 0)
        try w.publish(SimWorld.spec(masters: 1, workers: 0))
        let r = try w.bosun(["apply", "--action-timeout", "200ms", "--max-attempts", "2"], fast: false)
        #expect(r.status == 1)
        #expect(r.stdout.contains("start-jobs demo/master/0: timed out after 0.2 seconds (gave up after 2 attempts)"))
        #expect(try w.sql("SELECT attempts || ' ' || state FROM actions WHERE kind = 'start-jobs'") == "2 failed")
    }

    @Test func terminalFaultIsShownThenRetriedAfterBackoff() async throws {
        let w = try SimWorld()
        #expect(try w.bosun(["sim", "faults", "--operation", "createVM", "--terminal-rate", "1"]).status == 0)
        try w.publish(SimWorld.spec(masters: 1, workers: 1))
        let run = try BosunProcess.start(["run", "--db", w.db, "--specs", w.specs, "--interval", "1h"] + SimWorld.fast, log: w.dir + "/run.log")
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        try await BosunProcess.waitFor("failure shown in status") {
            try w.sql("SELECT phase FROM cluster_status") == "failed"
        }
        let status = try w.bosun(["status"])
        #expect(status.stdout.contains("failed"))
        #expect(try w.sql("SELECT last_error FROM cluster_status").contains("create-vm"))
        #expect(try w.bosun(["sim", "faults", "--operation", "createVM", "--clear"]).status == 0)
        try await BosunProcess.waitFor("converged after the retry") { try w.sql("SELECT phase FROM cluster_status") == "converged" }
        kill(run.processIdentifier, SIGTERM)
        #expect(try await BosunProcess.waitExit(run) == 0)
        try w.expectExact(masters: 1, workers: 1)
    }

    @Test func removingSpecFilesProtectsOrTearsDown() async throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(name: "keep"), as: "keep.yaml")
        try w.publish(SimWorld.spec(name: "gone", deletion: "delete"), as: "gone.yaml")
        let run = try BosunProcess.start(
            ["run", "--db", w.db, "--specs", w.specs, "--interval", "1h", "--deletion-grace", "1s"] + SimWorld.fast, log: w.dir + "/run.log")
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        try await BosunProcess.waitFor("both converged", timeout: .seconds(30)) {
            try w.sql("SELECT group_concat(phase) FROM cluster_status") == "converged,converged"
        }
        // One file at a time: two of two at once would be a mass removal, which holds.
        try FileManager.default.removeItem(atPath: w.specs + "/keep.yaml")
        try await BosunProcess.waitFor("keep orphaned") { try w.sql("SELECT lifecycle FROM clusters WHERE name = 'keep'") == "orphaned" }
        try FileManager.default.removeItem(atPath: w.specs + "/gone.yaml")
        try await BosunProcess.waitFor("gone pending deletion") {
            try w.sql("SELECT lifecycle FROM clusters WHERE name = 'gone'") == "pending-deletion"
        }
        try await BosunProcess.waitFor("gone deleted after the grace", timeout: .seconds(30)) {
            try w.sql("SELECT lifecycle FROM clusters WHERE name = 'gone'") == "deleted"
        }
        let graceHeld = try w.sql("""
            SELECT (julianday((SELECT min(at) FROM events WHERE cluster = 'gone' AND kind = 'cluster-deleting'))
                  - julianday((SELECT min(at) FROM events WHERE cluster = 'gone' AND kind = 'cluster-pending-deletion'))) * 86400 >= 1.0
            """)
        #expect(graceHeld == "1", "teardown started only after the 1 s grace")
        #expect(try w.sql("SELECT lifecycle FROM clusters WHERE name = 'keep'") == "orphaned")
        try w.expectExact(masters: 3, workers: 5, cluster: "keep")
        #expect(try w.vms().filter { $0.instanceId.hasPrefix("gone/") }.isEmpty)
        #expect(try w.disks().filter { $0.instanceId.hasPrefix("gone/") }.count == 8, "disks are kept")
        #expect(try w.sql("SELECT count(*) FROM orphaned_disks WHERE cluster = 'gone'") == "8")
        // Teardown order: deregistration before any stop, workers before masters.
        let lastDereg = try w.sql("SELECT max(finished_at) FROM actions WHERE cluster = 'gone' AND kind = 'deregister-lb'")
        let firstStop = try w.sql("SELECT min(started_at) FROM actions WHERE cluster = 'gone' AND kind = 'stop-jobs'")
        #expect(lastDereg <= firstStop)
        let lastWorker = try w.sql("SELECT max(finished_at) FROM actions WHERE cluster = 'gone' AND kind = 'delete-vm' AND instance_id LIKE 'gone/worker/%'")
        let firstMaster = try w.sql("SELECT min(started_at) FROM actions WHERE cluster = 'gone' AND kind = 'stop-jobs' AND instance_id LIKE 'gone/master/%'")
        #expect(lastWorker <= firstMaster)
        kill(run.processIdentifier, SIGTERM)
        #expect(try await BosunProcess.waitExit(run) == 0)
    }

    @Test func deleteCommandTearsDownAndRefusesWithoutConfirmation() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 1, workers: 1))
        #expect(try w.apply().status == 0)
        let refused = try w.bosun(["delete", "demo"], fast: true)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--yes"))
        let deleted = try w.bosun(["delete", "demo", "--yes"], fast: true)
        #expect(deleted.status == 0, "\(deleted.stdout)\(deleted.stderr)")
        #expect(try w.vms().isEmpty)
        // Re-reading the unchanged file does not undo an operator's delete.
        #expect(try w.apply().status == 0)
        #expect(try w.vms().isEmpty)
        #expect(try w.sql("SELECT lifecycle FROM clusters") == "deleted")
        let disk = try w.sql("SELECT disk FROM orphaned_disks LIMIT 1")
        #expect(try w.bosun(["disks", "delete", disk]).status == 0)
        #expect(try w.disks().contains { $0.id == disk } == false)
        #expect(try w.bosun(["disks", "delete", "disk-nope"]).status == 1)
    }

    /// A deleted cluster comes back the way it went: one deleted by `bosun delete` with
    /// `bosun apply NAME` (plan says so first), one whose file went away with its file.
    @Test func aDeletedClusterComesBackTheWayItWent() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 1, workers: 1, deletion: "delete"))
        #expect(try w.apply().status == 0)
        #expect(try w.bosun(["delete", "demo", "--yes"], fast: true).status == 0)
        let plan = try w.bosun(["plan", "demo"], fast: true)
        #expect(plan.status == 0)
        #expect(plan.stderr.contains("demo was deleted by `bosun delete`"), "\(plan.stderr)")
        #expect(plan.stderr.contains("`bosun apply demo` brings it back"))
        #expect(try w.vms().isEmpty, "plan changes nothing")
        let back = try w.apply(["demo"])
        #expect(back.status == 0, "\(back.stdout)\(back.stderr)")
        #expect(back.stderr.contains("applying it by name brings it back"))
        try w.expectExact(masters: 1, workers: 1)
        #expect(try w.sql("SELECT lifecycle || ' ' || generation FROM clusters") == "active 2")
        #expect(try w.sql("SELECT count(*) FROM events WHERE kind = 'cluster-restored'") == "1")

        // Deleted because its file went away: `apply demo` says to put the file back, and the
        // file coming back brings it back.
        let file = w.specs + "/demo.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try FileManager.default.removeItem(atPath: file)
        for _ in 0..<2 { _ = try w.apply(["--deletion-grace", "0s"]) }
        #expect(try w.sql("SELECT lifecycle FROM clusters") == "deleted")
        let refused = try w.apply(["demo"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("demo was deleted after its spec file \(file) went away"), "\(refused.stderr)")
        #expect(refused.stderr.contains("put the file back to bring it back"))
        try w.publish(text)
        #expect(try w.apply().status == 0)
        try w.expectExact(masters: 1, workers: 1)
        #expect(try w.sql("SELECT lifecycle FROM clusters") == "active")
    }

    @Test func applyWhileAnotherProcessHoldsTheLeaseSaysWho() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 1, workers: 0))
        #expect(try w.apply().status == 0)
        _ = try w.sql("PRAGMA busy_timeout = 5000; INSERT INTO leases VALUES ('demo', 'run@otherhost:42', datetime('now'), datetime('now'), datetime('now', '+1 hour'))")
        try w.publish(SimWorld.spec(masters: 2, workers: 0))
        let r = try w.apply()
        #expect(r.status == 1)
        #expect(r.stdout.contains("held by run@otherhost:42"))
    }

    /// `--lock-timeout` waits for the lease instead of failing: through a lease that expires
    /// meanwhile it converges; past one that outlives the wait it fails, naming the holder.
    @Test func lockTimeoutWaitsForTheLease() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 1, workers: 0))
        #expect(try w.apply().status == 0)
        try w.publish(SimWorld.spec(masters: 2, workers: 0))
        _ = try w.sql("PRAGMA busy_timeout = 5000; INSERT INTO leases VALUES ('demo', 'run@otherhost:42', datetime('now'), datetime('now'), datetime('now', '+1 hour'))")
        let start = Date()
        let refused = try w.apply(["--lock-timeout", "1s"])
        #expect(refused.status == 1)
        #expect(Date().timeIntervalSince(start) >= 1)
        #expect(refused.stdout.contains("still held by run@otherhost:42"), "\(refused.stdout)")
        #expect(refused.stderr.contains("demo: waiting for the lease held by run@otherhost:42"), "\(refused.stderr)")
        #expect(try w.vms().count == 1, "nothing done while waiting")

        _ = try w.sql("PRAGMA busy_timeout = 5000; UPDATE leases SET expires_at = datetime('now', '+2 seconds') WHERE cluster = 'demo'")
        let waited = try w.apply(["--lock-timeout", "60s"])
        #expect(waited.status == 0, "\(waited.stdout)\(waited.stderr)")
        #expect(waited.stderr.contains("waiting for the lease"))
        #expect(try w.vms().count == 2)
    }
}
