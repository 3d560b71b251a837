import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `bosun status --refresh` tells what is true now, without `bosun run`: each kind of breakage
/// made behind Bosun's back shows, and nothing is written or leased while looking.
@Suite struct StatusRefreshTests {
    struct Detail: Decodable {
        struct Cluster: Decodable {
            let phase: String
            let running: Int
            let healthy: Int
        }
        struct Instance: Decodable {
            let instance: String
            let state: String
            let health: String
            let inLb: Bool
        }
        struct Item: Decodable {
            let kind: String
            let instance: String?
        }
        let cluster: Cluster
        let instances: [Instance]
        let refreshedAt: String?
        let findings: [Item]?
    }

    func detail(_ w: SimWorld, refresh: Bool) throws -> Detail {
        let r = try w.bosun(["status", "demo", "--json"] + (refresh ? ["--refresh"] : []))
        #expect(r.status == 0, "\(r.stderr)")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Detail.self, from: Data(r.stdout.utf8))
    }

    @Test func everyKindOfBreakageShowsWithoutRun() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 3, workers: 2))
        #expect(try w.apply().status == 0)
        func vm(_ instance: String) throws -> String { try #require(try w.vms().first { $0.instanceId == instance }).id }
        let disk = try #require(try w.disks().first { $0.instanceId == "demo/master/2" }).id
        #expect(try w.bosun(["sim", "stop", try vm("demo/worker/0")]).status == 0)
        #expect(try w.bosun(["sim", "kill", try vm("demo/worker/1")]).status == 0)
        #expect(try w.bosun(["sim", "fail-job", try vm("demo/master/0"), "kubelet"]).status == 0)
        #expect(try w.bosun(["sim", "deregister", "demo-api", try vm("demo/master/1")]).status == 0)
        #expect(try w.bosun(["sim", "detach", disk]).status == 0)
        let before = try w.sql("SELECT group_concat(updated_at) FROM clusters") + w.sql("SELECT count(*) FROM events")

        let stale = try detail(w, refresh: false)
        #expect(stale.cluster.phase == "converged", "the records alone still say converged")
        #expect(stale.refreshedAt == nil)

        let now = try detail(w, refresh: true)
        #expect(now.cluster.phase == "drifted")
        #expect(now.refreshedAt?.hasSuffix("Z") == true)
        #expect(now.cluster.running == 3)
        #expect(now.cluster.healthy == 2)
        let rows = Dictionary(uniqueKeysWithValues: now.instances.map { ($0.instance, $0) })
        #expect(rows["demo/worker/0"]?.state == "stopped")
        #expect(rows["demo/worker/0"]?.health == "unhealthy")
        #expect(rows["demo/worker/1"]?.state == "missing")
        #expect(rows["demo/master/0"]?.state == "running")
        #expect(rows["demo/master/0"]?.health == "unhealthy")
        #expect(rows["demo/master/1"]?.inLb == false)
        #expect(rows["demo/master/2"]?.inLb == true)
        let kinds = Set((now.findings ?? []).map { "\($0.kind) \($0.instance ?? "-")" })
        #expect(kinds == [
            "vm-stopped demo/worker/0", "vm-missing demo/worker/1", "job-failed demo/master/0",
            "lb-member-missing demo/master/1", "disk-detached demo/master/2",
        ])

        // Looking changed nothing: no record, no event, no lease.
        #expect(try w.sql("SELECT group_concat(updated_at) FROM clusters") + w.sql("SELECT count(*) FROM events") == before)
        #expect(try w.sql("SELECT count(*) FROM leases") == "0")
        let table = try w.bosun(["status", "--refresh"])
        #expect(table.status == 0)
        #expect(table.stdout.contains("drifted"))
        #expect(table.stdout.contains("observed now ("), "\(table.stdout)")
        #expect(table.stdout.contains("5 findings"))

        // Healed, it reads converged again.
        #expect(try w.apply().status == 0)
        let healed = try detail(w, refresh: true)
        #expect(healed.cluster.phase == "converged")
        #expect(healed.findings?.isEmpty == true)
    }

    /// The two breakages that need time or a stranger: an agent gone silent past its timeout,
    /// and a VM claiming the cluster that Bosun never made.
    @Test func aSilentAgentAndARogueVMShowToo() async throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 0, workers: 2, workerDisk: nil)
            .replacingOccurrences(of: "deletion: protect", with: "deletion: protect\nhealing: { agentTimeout: 5s }"))
        #expect(try w.apply().status == 0)
        let silent = try #require(try w.vms().first { $0.instanceId == "demo/worker/1" }).id
        #expect(try w.bosun(["sim", "silence", silent]).status == 0)
        let rogue = try w.bosun(["sim", "rogue", "demo"])
        #expect(rogue.status == 0)
        let rogueID = try #require(rogue.stdout.split(separator: " ").dropFirst(2).first.map(String.init))
        var now: Detail?
        try await BosunProcess.waitFor("the agent's timeout to pass", timeout: .seconds(30)) {
            now = try detail(w, refresh: true)
            return now?.findings?.contains { $0.kind == "agent-silent" } == true
        }
        let seen = try #require(now)
        #expect(seen.cluster.phase == "drifted")
        #expect(seen.cluster.healthy == 1)
        #expect(seen.instances.first { $0.instance == "demo/worker/1" }?.health == "unhealthy")
        #expect(seen.instances.first { $0.instance == "demo/worker/1" }?.state == "running", "silent, not stopped")
        #expect(seen.findings?.contains { $0.kind == "rogue-vm" } == true)
        let table = try w.bosun(["status", "demo", "--refresh"])
        #expect(table.stdout.contains("agent-silent demo/worker/1"), "\(table.stdout)")
        #expect(table.stdout.contains("rogue-vm ") && table.stdout.contains(rogueID), "\(table.stdout)")
    }

    @Test func aCloudThatCannotBeReadIsAnErrorNotAGuess() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 1, workers: 0))
        #expect(try w.apply().status == 0)
        #expect(try w.bosun(["sim", "faults", "--terminal-rate", "1", "--operation", "listVMs"]).status == 0)
        let r = try w.bosun(["status", "--refresh"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("demo"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    /// `status` says when each cluster was last observed: by its last pass, or by `bosun run`'s
    /// drift sweeps since, which pass nothing but look at every cluster.
    @Test func statusSaysWhenEachClusterWasLastObserved() async throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 1, workers: 0))
        #expect(try w.apply().status == 0)
        func row() throws -> [String: Any] {
            let doc = try JSONSerialization.jsonObject(with: Data(try w.bosun(["status", "--json"]).stdout.utf8)) as? [String: Any]
            return try #require((doc?["clusters"] as? [[String: Any]])?.first)
        }
        let afterApply = try row()
        #expect(afterApply["last_observed_at"] as? String == afterApply["last_pass_at"] as? String, "only the pass has looked")
        let run = try BosunProcess.start(
            ["run", "--db", w.db, "--specs", w.specs, "--interval", "1h", "--drift-interval", "1s"] + SimWorld.fast, log: w.dir + "/run.log")
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        try await BosunProcess.waitFor("a drift sweep after the apply") {
            let observed = try row()["last_observed_at"] as? String ?? ""
            return try !w.sql("SELECT finished_at FROM drift_sweeps").isEmpty && observed > (afterApply["last_pass_at"] as? String ?? "~")
        }
        kill(run.processIdentifier, SIGTERM)
        #expect(try await BosunProcess.waitExit(run) == 0)
        let later = try row()
        #expect(later["last_pass_at"] as? String == afterApply["last_pass_at"] as? String, "no pass ran: the cluster was settled")
        let sweep = try w.sql("SELECT finished_at FROM drift_sweeps").replacingOccurrences(of: " ", with: "T") + "Z"
        #expect(later["last_observed_at"] as? String == sweep)
        #expect(try w.bosun(["status"]).stdout.contains("LAST OBSERVED"))
    }
}
