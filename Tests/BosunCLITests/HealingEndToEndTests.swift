import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Healing end to end: `bosun run` with drift detection on `sim`, broken from another process
/// with `bosun sim …`, as an operator would.
@Suite(.serialized) struct HealingEndToEndTests {
    static let drift = ["--drift-interval", "1s", "--interval", "1h"]

    func startRun(_ w: SimWorld) throws -> Process {
        try BosunProcess.start(["run", "--db", w.db, "--specs", w.specs] + Self.drift + SimWorld.fast, log: w.dir + "/run.log")
    }

    func stop(_ run: Process) async throws {
        kill(run.processIdentifier, SIGTERM)
        #expect(try await BosunProcess.waitExit(run) == 0)
    }

    func vm(_ w: SimWorld, _ instance: String) throws -> SimWorld.SimVM {
        try #require(try w.vms().first { $0.instanceId == instance })
    }

    func healthy(_ w: SimWorld, masters: Int, workers: Int) throws -> Bool {
        let vms = try w.vms()
        let up = vms.count == masters + workers
            && vms.allSatisfy { $0.state == "running" && !$0.jobs.isEmpty && $0.jobs.values.allSatisfy { $0 == "running" } }
        return try up && w.sql("SELECT phase FROM cluster_status") == "converged"
    }

    @Test func everyKindOfDriftIsHealedWithItsDisksAndEvents() async throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 3, workers: 2))
        #expect(try w.apply().status == 0)
        let disks = try w.disks().map { "\($0.instanceId)=\($0.id)" }.sorted()
        let run = try startRun(w)
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        try await BosunProcess.waitFor("run settled") { try w.sql("SELECT phase FROM cluster_status") == "converged" }
        #expect(try w.bosun(["sim", "kill", try vm(w, "demo/worker/1").id]).status == 0)
        #expect(try w.bosun(["sim", "stop", try vm(w, "demo/worker/0").id]).status == 0)
        let m2disk = try #require(try w.disks().first { $0.instanceId == "demo/master/2" })
        #expect(try w.bosun(["sim", "detach", m2disk.id]).status == 0)
        #expect(try w.bosun(["sim", "deregister", "demo-api", try vm(w, "demo/master/1").id]).status == 0)
        #expect(try w.bosun(["sim", "fail-job", try vm(w, "demo/master/0").id, "kubelet"]).status == 0)
        // Two drift intervals plus the time the sim takes to act is about 3 s alone; the deadline
        // leaves room for the rest of the test suite running in parallel. `bosun bench drift`
        // measures the real figure.
        do {
            try await BosunProcess.waitFor("healed", timeout: .seconds(30)) { try healthy(w, masters: 3, workers: 2) }
        } catch {
            let log = (try? String(contentsOfFile: w.dir + "/run.log", encoding: .utf8)) ?? ""
            Issue.record("state: \(try w.bosun(["status", "demo"]).stdout)\n\(try w.bosun(["sim", "vms"]).stdout)\nlog: \(log.suffix(4000))")
            throw error
        }
        try w.expectExact(masters: 3, workers: 2)
        #expect(try w.disks().map { "\($0.instanceId)=\($0.id)" }.sorted() == disks, "every instance kept its disk")
        try await BosunProcess.waitFor("findings resolved") { try w.sql("SELECT count(*) FROM findings WHERE state <> 'resolved'") == "0" }
        let kinds = Set(try w.sql("SELECT DISTINCT kind FROM findings").split(separator: "\n").map(String.init))
        #expect(kinds.isSuperset(of: ["vm-missing", "vm-stopped", "disk-detached", "lb-member-missing", "job-failed"]), "\(kinds)")
        let opened = try w.sql("SELECT count(*) FROM events WHERE kind IN ('vm-missing', 'vm-stopped', 'disk-detached', 'lb-member-missing', 'job-failed') AND instance IS NOT NULL")
        #expect(Int(opened) ?? 0 >= 5)
        #expect(Int(try w.sql("SELECT count(*) FROM events WHERE kind = 'finding-resolved'")) ?? 0 >= 5)
        try await stop(run)
    }

    @Test func aKubeletThatKeepsFailingIsRecreatedAfterTheThirdRestart() async throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 1, workers: 1))
        #expect(try w.apply().status == 0)
        let before = try vm(w, "demo/worker/0")
        let disk = try #require(try w.disks().first { $0.instanceId == "demo/worker/0" }).id
        #expect(try w.bosun(["sim", "fail-job", before.id, "kubelet", "--always"]).status == 0)
        let run = try startRun(w)
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        try await BosunProcess.waitFor("recreated", timeout: .seconds(30)) {
            try w.vms().first { $0.instanceId == "demo/worker/0" }.map { $0.id != before.id && $0.jobs["kubelet"] == "running" } == true
        }
        let restarts = try w.sql("""
            SELECT count(*) FROM actions WHERE instance_id = 'demo/worker/0' AND kind = 'restart-jobs' AND state = 'succeeded'
            """)
        #expect(restarts == "3", "three restarts before the recreate")
        #expect(try w.disks().first { $0.instanceId == "demo/worker/0" }?.id == disk, "recreated with its disk")
        #expect(try w.sql("SELECT count(*) FROM events WHERE kind = 'job-failed'") >= "1")
        try await stop(run)
    }

    @Test func meltdownPausesHealingUntilTheCountDropsOrAnOperatorResumes() async throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 0, workers: 10, workerDisk: nil))
        #expect(try w.apply().status == 0)
        let run = try startRun(w)
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        try await BosunProcess.waitFor("run settled") { try w.sql("SELECT phase FROM cluster_status") == "converged" }
        let victims = try w.vms().sorted { $0.index < $1.index }.prefix(6).map(\.id)
        // All six at once: stopped one by one, the first ones could be healed before the
        // last go down, and the count would never reach the threshold.
        #expect(try w.bosun(["sim", "stop"] + victims).status == 0)
        try await BosunProcess.waitFor("meltdown") { try w.sql("SELECT phase FROM cluster_status") == "meltdown" }
        #expect(try w.sql("SELECT count(*) FROM events WHERE kind = 'meltdown'") == "1")
        try await Task.sleep(for: .seconds(3))  // three drift intervals in which nothing may heal
        #expect(try w.vms().filter { $0.state == "stopped" }.count == 6, "no healing in a meltdown")
        #expect(try w.sql("SELECT count(*) FROM findings WHERE state = 'suppressed'") == "6")
        // Three come back: 3 of 10 is below the threshold, so Bosun heals the rest.
        #expect(try w.bosun(["sim", "start"] + victims.prefix(3)).status == 0)
        try await BosunProcess.waitFor("healed after the meltdown", timeout: .seconds(60)) { try healthy(w, masters: 0, workers: 10) }
        #expect(try w.sql("SELECT count(*) FROM events WHERE kind = 'meltdown-over'") == "1")
        // Again, and this time an operator overrides.
        #expect(try w.bosun(["sim", "stop"] + victims).status == 0)
        try await BosunProcess.waitFor("meltdown again") { try w.sql("SELECT phase FROM cluster_status") == "meltdown" }
        let resumed = try w.bosun(["heal", "resume", "demo"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        try await BosunProcess.waitFor("healed on the operator's word", timeout: .seconds(60)) { try healthy(w, masters: 0, workers: 10) }
        #expect(try w.sql("SELECT count(*) FROM events WHERE kind = 'heal-resumed'") == "1")
        try await stop(run)
    }

    @Test func healingDisabledReportsAndDoesNothing() async throws {
        let w = try SimWorld()
        let spec = SimWorld.spec(masters: 1, workers: 2).replacingOccurrences(of: "deletion: protect", with: "deletion: protect\nhealing: { enabled: false }")
        try w.publish(spec)
        #expect(try w.apply().status == 0)
        let run = try startRun(w)
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        try await BosunProcess.waitFor("run settled") { try w.sql("SELECT phase FROM cluster_status") == "converged" }
        let victim = try vm(w, "demo/worker/1")
        #expect(try w.bosun(["sim", "kill", victim.id]).status == 0)
        try await BosunProcess.waitFor("finding recorded") {
            try w.sql("SELECT state FROM findings WHERE kind = 'vm-missing'") == "suppressed"
        }
        try await Task.sleep(for: .seconds(3))  // three drift intervals in which nothing may heal
        #expect(try w.vms().count == 2)
        #expect(try w.sql("SELECT last_error FROM cluster_status").contains("healing.enabled is false"))
        let drift = try w.bosun(["drift", "--json"])
        #expect(drift.status == 2)
        #expect(drift.stdout.contains("\"vm-missing\""))
        try await stop(run)
    }

    @Test func healingTheReproNeverTakesTheEtcdQuorumDown() async throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 3, workers: 0))
        #expect(try w.apply().status == 0)
        #expect(try w.bosun(["sim", "stop", try vm(w, "demo/master/0").id]).status == 0)
        #expect(try w.bosun(["sim", "fail-job", try vm(w, "demo/master/1").id, "kubelet"]).status == 0)
        let run = try startRun(w)
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        var lowest = 3
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let vms = try w.vms()
            let etcd = vms.filter { $0.state == "running" && $0.jobs["etcd"] == "running" }.count
            lowest = min(lowest, etcd)
            if try healthy(w, masters: 3, workers: 0) { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(try healthy(w, masters: 3, workers: 0))
        #expect(lowest >= 2, "at least 2 of 3 etcd members up throughout; lowest seen \(lowest)")
        #expect(try w.sql("SELECT count(*) FROM actions WHERE kind = 'restart-jobs' AND detail LIKE '%etcd%'") == "0",
                "the healthy etcd was never restarted")
        try await stop(run)
    }

    @Test func aSilentAgentIsRecreatedPastItsTimeoutAndRoguesGoOnlyWhenAsked() async throws {
        let w = try SimWorld()
        let spec = SimWorld.spec(masters: 1, workers: 1)
            .replacingOccurrences(of: "deletion: protect", with: "deletion: protect\nhealing: { agentTimeout: 5s, deleteRogue: true }")
        try w.publish(spec)
        #expect(try w.apply().status == 0)
        let before = try vm(w, "demo/worker/0")
        let disk = try #require(try w.disks().first { $0.instanceId == "demo/worker/0" }).id
        let run = try startRun(w)
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        try await BosunProcess.waitFor("run settled") { try w.sql("SELECT phase FROM cluster_status") == "converged" }
        #expect(try w.bosun(["sim", "silence", before.id]).status == 0)
        let rogue = try w.bosun(["sim", "rogue", "demo"])
        #expect(rogue.status == 0)
        let rogueID = try #require(rogue.stdout.split(separator: " ").dropFirst(2).first.map(String.init))
        try await BosunProcess.waitFor("silent VM recreated", timeout: .seconds(30)) {
            try w.vms().first { $0.instanceId == "demo/worker/0" }.map { $0.id != before.id && $0.jobs["kubelet"] == "running" } == true
        }
        try await BosunProcess.waitFor("rogue deleted") { try !w.vms().contains { $0.id == rogueID } }
        #expect(try w.disks().first { $0.instanceId == "demo/worker/0" }?.id == disk)
        #expect(try w.sql("SELECT count(*) FROM findings WHERE kind = 'agent-silent'") == "1")
        #expect(try w.sql("SELECT count(*) FROM findings WHERE kind = 'rogue-vm'") == "1")
        try await stop(run)
    }

    @Test func driftCommandExitCodes() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 1, workers: 1))
        #expect(try w.apply().status == 0)
        let clean = try w.bosun(["drift"])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("no drift"))
        #expect(try w.bosun(["sim", "stop", try vm(w, "demo/worker/0").id]).status == 0)
        let found = try w.bosun(["drift", "demo", "--json"])
        #expect(found.status == 2)
        struct Report: Decodable { let cluster: String; let healing: String; let findings: [Item] }
        struct Item: Decodable { let kind: String; let instance: String?; let resource: String; let detail: String }
        let reports = try JSONDecoder().decode([Report].self, from: Data(found.stdout.utf8))
        #expect(reports.first?.findings.map(\.kind) == ["vm-stopped"])
        #expect(reports.first?.findings.first?.instance == "demo/worker/0")
        #expect(try w.vms().first { $0.instanceId == "demo/worker/0" }?.state == "stopped", "drift acts on nothing")
        let unknown = try w.bosun(["drift", "nope"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no cluster named 'nope'"))
        let noDB = try BosunProcess.run(["drift", "--db", w.dir + "/none.db", "--specs", w.specs])
        #expect(noDB.status == 1)
        #expect(!FileManager.default.fileExists(atPath: w.dir + "/none.db"))
        #expect(try w.bosun(["heal", "resume", "nope"]).status == 1)
    }
}
