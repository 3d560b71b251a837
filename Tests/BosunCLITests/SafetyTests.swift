import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Nothing is destroyed by accident: the repros of the safety issue, each with the real binary,
/// real files and the sim cloud. A `deletion: delete` cluster that a git checkout, an editor or
/// a slow writer briefly takes away keeps every VM and disk.
@Suite(.serialized) struct SafetyTests {
    static func small(_ name: String = "demo") -> String {
        SimWorld.spec(name: name, masters: 1, workers: 2, deletion: "delete")
    }

    /// VM ids of the cluster, sorted.
    func vmIDs(_ w: SimWorld, _ cluster: String = "demo") throws -> [String] {
        try w.vms().filter { $0.instanceId.hasPrefix(cluster + "/") }.map(\.id).sorted()
    }

    func startRun(_ w: SimWorld, _ extra: [String] = [], environment: [String: String] = [:]) throws -> Process {
        try BosunProcess.start(
            ["run", "--db", w.db, "--specs", w.specs, "--interval", "5s", "--relist", "2s"] + extra + SimWorld.fast,
            log: w.dir + "/run.log", environment: environment)
    }

    func stop(_ run: Process) async throws {
        kill(run.processIdentifier, SIGTERM)
        #expect(try await BosunProcess.waitExit(run) == 0)
    }

    @Test func transientEmptyDirectoryTearsNothingDown() async throws {
        let w = try SimWorld()
        try w.publish(Self.small())
        #expect(try w.apply().status == 0)
        let before = try vmIDs(w)
        let disksBefore = try w.disks().map(\.id).sorted()
        let run = try startRun(w)
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        try await BosunProcess.waitFor("run ready") { try w.sql("SELECT phase FROM cluster_status") == "converged" }
        // What `git checkout` of a branch without the directory, and back, looks like.
        #expect(rename(w.specs, w.dir + "/specs-away") == 0)
        try FileManager.default.createDirectory(atPath: w.specs, withIntermediateDirectories: false)
        try await BosunProcess.waitFor("the missing file noticed") {
            try w.sql("SELECT lifecycle FROM clusters") == "pending-deletion"
        }
        try FileManager.default.removeItem(atPath: w.specs)
        #expect(rename(w.dir + "/specs-away", w.specs) == 0)
        try await BosunProcess.waitFor("deletion cancelled") {
            try w.sql("SELECT count(*) FROM events WHERE kind = 'deletion-cancelled'") == "1"
        }
        #expect(try w.sql("SELECT lifecycle || ' ' || generation FROM clusters") == "active 1")
        #expect(try w.sql("SELECT count(*) FROM actions WHERE kind IN ('delete-vm', 'orphan-disk', 'stop-jobs')") == "0")
        #expect(try vmIDs(w) == before)
        #expect(try w.disks().map(\.id).sorted() == disksBefore)
        try await stop(run)
    }

    @Test func unlinkAndRewriteWithAGapKeepsEverything() async throws {
        let w = try SimWorld()
        try w.publish(Self.small())
        #expect(try w.apply().status == 0)
        let before = try vmIDs(w)
        let run = try startRun(w)
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        try await BosunProcess.waitFor("run ready") { try w.sql("SELECT phase FROM cluster_status") == "converged" }
        let text = try String(contentsOfFile: w.specs + "/demo.yaml", encoding: .utf8)
        for _ in 0..<3 {
            try FileManager.default.removeItem(atPath: w.specs + "/demo.yaml")
            try await Task.sleep(for: .milliseconds(50))  // the gap is the scenario, not synchronisation
            try text.write(toFile: w.specs + "/demo.yaml", atomically: false, encoding: .utf8)
            try await Task.sleep(for: .milliseconds(300))
        }
        // Two re-lists later nothing has been torn down, and the cluster is active.
        try await BosunProcess.waitFor("active again") { try w.sql("SELECT lifecycle FROM clusters") == "active" }
        try await Task.sleep(for: .seconds(4))
        #expect(try w.sql("SELECT lifecycle || ' ' || generation FROM clusters") == "active 1")
        #expect(try w.sql("SELECT count(*) FROM actions WHERE kind IN ('delete-vm', 'orphan-disk')") == "0")
        #expect(try vmIDs(w) == before)
        try await stop(run)
    }

    @Test func applyOnAnEmptyDirectoryStartsOnlyTheClock() throws {
        let w = try SimWorld()
        try w.publish(Self.small())
        #expect(try w.apply().status == 0)
        let before = try vmIDs(w)
        let empty = w.dir + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
        let applied = try BosunProcess.run(["apply", "--db", w.db, "--specs", empty] + SimWorld.fast)
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(try vmIDs(w) == before)
        #expect(try w.sql("SELECT lifecycle FROM clusters") == "pending-deletion")
        let plan = try BosunProcess.run(["plan", "--db", w.db, "--specs", empty] + SimWorld.fast)
        #expect(plan.status == 0)
        #expect(plan.stdout.contains("demo: \(w.specs)/demo.yaml missing since"))
        #expect(plan.stdout.contains("unless it returns"))
        let status = try BosunProcess.run(["status", "--db", w.db])
        #expect(status.stdout.contains("pending-deletion"))
        #expect(try w.sql("SELECT teardown_at > missing_since FROM cluster_status") == "1")
        // Back with its file: nothing to do.
        let back = try w.apply()
        #expect(back.status == 0)
        #expect(try w.sql("SELECT lifecycle || ' ' || generation FROM clusters") == "active 1")
        #expect(try vmIDs(w) == before)
    }

    @Test func afterTheGraceTheClusterGoesAndItsDisksComeBackWithIt() async throws {
        let w = try SimWorld()
        try w.publish(Self.small())
        #expect(try w.apply().status == 0)
        let disks = try w.disks().map(\.id).sorted()
        #expect(disks.count == 3)
        try FileManager.default.removeItem(atPath: w.specs + "/demo.yaml")
        #expect(try w.apply(["--deletion-grace", "1s"]).status == 0)
        #expect(try w.vms().count == 3, "the first listing only starts the clock")
        try await BosunProcess.waitFor("grace over") {
            try w.sql("SELECT teardown_at <= strftime('%Y-%m-%d %H:%M:%f', 'now') FROM clusters") == "1"
        }
        let torn = try w.apply(["--deletion-grace", "1s"])
        #expect(torn.status == 0, "\(torn.stdout)\(torn.stderr)")
        #expect(try w.vms().isEmpty)
        #expect(try w.sql("SELECT lifecycle FROM clusters") == "deleted")
        #expect(try w.sql("SELECT count(*) FROM orphaned_disks") == "3")
        // The file comes back: the same disks are re-attached, none is created.
        try w.publish(Self.small())
        #expect(try w.apply().status == 0)
        try w.expectExact(masters: 1, workers: 2)
        #expect(try w.disks().map(\.id).sorted() == disks)
        #expect(try w.sql("SELECT count(*) FROM orphaned_disks") == "0")
        #expect(try w.sql("SELECT count(*) FROM events WHERE kind = 'disk-readopted'") == "3")
        #expect(try w.sql("SELECT count(*) FROM actions WHERE kind = 'create-disk' AND state = 'succeeded'") == "3", "only the first three")
    }

    @Test func halfWrittenFileIsNeverAccepted() async throws {
        let w = try SimWorld()
        try w.publish(Self.small())
        #expect(try w.apply().status == 0)
        let before = try vmIDs(w)
        let run = try startRun(w, ["--relist", "1s"], environment: ["BOSUN_SETTLE": "2s"])
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        try await BosunProcess.waitFor("run ready") { try w.sql("SELECT phase FROM cluster_status") == "converged" }
        // The first 14 lines are a valid spec of their own (the header and the masters only).
        let text = try String(contentsOfFile: w.specs + "/demo.yaml", encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let head = lines.prefix(14).joined(separator: "\n") + "\n"
        let tail = lines.dropFirst(14).joined(separator: "\n")
        #expect(head.contains("master") && !head.contains("worker"))
        let fd = open(w.specs + "/demo.yaml", O_WRONLY | O_TRUNC)
        #expect(fd >= 0)
        _ = head.withCString { write(fd, $0, strlen($0)) }
        try await Task.sleep(for: .milliseconds(1500))  // the slow writer is the scenario
        _ = tail.withCString { write(fd, $0, strlen($0)) }
        close(fd)
        try await Task.sleep(for: .seconds(3))
        #expect(try w.sql("SELECT generation FROM clusters") == "1", "the prefix never became a generation")
        #expect(try w.sql("SELECT count(*) FROM actions WHERE kind IN ('delete-vm', 'orphan-disk')") == "0")
        #expect(try vmIDs(w) == before)
        try await stop(run)
    }

    @Test func massRemovalHoldsAndDeleteByNameStillWorks() async throws {
        let w = try SimWorld()
        for name in ["one", "two", "three"] { try w.publish(SimWorld.spec(name: name, masters: 1, workers: 0, deletion: "delete"), as: "\(name).yaml") }
        #expect(try w.apply().status == 0)
        for name in ["one", "two"] { try FileManager.default.removeItem(atPath: w.specs + "/\(name).yaml") }
        let r = try w.apply(["--deletion-grace", "1s"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(try w.sql("SELECT group_concat(name || '=' || lifecycle) FROM (SELECT * FROM clusters ORDER BY name)")
            == "one=held,three=active,two=held")
        #expect(try w.sql("SELECT count(*) FROM events WHERE kind = 'specs-mass-removal'") == "2")
        #expect(try w.sql("SELECT count(*) FROM clusters WHERE teardown_at IS NOT NULL") == "0")
        #expect(try w.vms().count == 3)
        let deleted = try w.bosun(["delete", "two", "--yes"], fast: true)
        #expect(deleted.status == 0, "\(deleted.stdout)\(deleted.stderr)")
        #expect(try w.vms().count == 2)
        #expect(try w.sql("SELECT lifecycle FROM clusters WHERE name = 'one'") == "held")
    }

    @Test func applyWaitsForAFileToSettleAndRefusesOneThatNeverDoes() async throws {
        let w = try SimWorld()
        try w.publish(Self.small())
        // Just written: apply waits until it has been quiet for the settle time, then acts.
        let settled = try BosunProcess.run(["apply", "--db", w.db, "--specs", w.specs] + SimWorld.fast, environment: ["BOSUN_SETTLE": "1s"])
        #expect(settled.status == 0, "\(settled.stdout)\(settled.stderr)")
        #expect(try w.sql("SELECT generation FROM clusters") == "1")
        // A writer that keeps appending: apply gives up after its wait, names the file, does nothing.
        let path = w.specs + "/demo.yaml"
        let actionsBefore = try w.sql("SELECT count(*) FROM actions")
        // A real process, so the writer keeps its pace whatever else the test process is doing.
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "i=0; while [ $i -lt 70 ]; do echo \"# still writing $i\" >> \"$0\"; i=$((i+1)); sleep 0.2; done", path]
        try writer.run()
        defer { if writer.isRunning { writer.terminate() } }
        let refused = try BosunProcess.run(["apply", "--db", w.db, "--specs", w.specs] + SimWorld.fast, environment: ["BOSUN_SETTLE": "1s"])
        writer.terminate()
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("\(path) is still being written"))
        #expect(try w.sql("SELECT count(*) FROM actions") == actionsBefore, "nothing was planned or done")
    }
}
