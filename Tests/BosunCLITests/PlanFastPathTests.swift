import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `bosun plan` in a fresh process trusts a cluster's settled mark (records unchanged since a
/// pass found nothing to do) only while the cloud still looks as that pass saw it: ten clusters
/// (past the bulk-observation threshold) converged by `apply`, then changes of every kind
/// behind Bosun's back and in the specs, each of which must show in the next plan, and only
/// in its own cluster. The built binary, the sim provider, real SQLite files.
@Suite(.serialized) struct PlanFastPathTests {
    static let names = (0..<10).map { "c\($0)" }

    func plannedChanges(_ w: SimWorld) throws -> (status: Int32, changed: Set<String>, unchanged: Set<String>) {
        let plan = try w.bosun(["plan", "--detailed-exitcode"], fast: true)
        #expect(plan.status != 1, "\(plan.stderr)")
        let unchanged = Set(plan.stdout.split(separator: "\n").compactMap { line -> String? in
            line.hasSuffix(": no changes; the infrastructure matches the spec.") ? String(line.split(separator: ":")[0]) : nil
        })
        let changed = Set(Self.names).subtracting(unchanged)
        return (plan.status, changed, unchanged)
    }

    @Test func aSettledMarkNeverHidesAChange() throws {
        let w = try SimWorld()
        for name in Self.names {
            try w.publish(SimWorld.spec(name: name, masters: 3, workers: 1), as: "\(name).yaml")
        }
        #expect(try w.apply().status == 0)
        // Every cluster converged with nothing found: each carries a settled mark.
        #expect(try w.sql("SELECT count(*) FROM clusters c JOIN cluster_revisions r ON r.cluster = c.name WHERE c.settled_revision = r.revision") == "10")
        let clean = try plannedChanges(w)
        #expect(clean.status == 0 && clean.changed.isEmpty, "changed: \(clean.changed)")

        let vms = try w.vms()
        func vm(_ cluster: String, _ group: String = "worker") throws -> String {
            try #require(vms.first { $0.instanceId == "\(cluster)/\(group)/0" }).id
        }
        try #require(try w.bosun(["sim", "kill", try vm("c1")]).status == 0)
        try #require(try w.bosun(["sim", "stop", try vm("c3")]).status == 0)
        try #require(try w.bosun(["sim", "fail-job", try vm("c5"), "kubelet"]).status == 0)
        try #require(try w.bosun(["sim", "deregister", "c6-api", try vm("c6", "master")]).status == 0)
        let disk = try #require(try w.disks().first { $0.instanceId == "c7/master/0" })
        try #require(try w.bosun(["sim", "detach", disk.id]).status == 0)
        try w.publish(SimWorld.spec(name: "c8", masters: 3, workers: 2), as: "c8.yaml")
        let drifted = try plannedChanges(w)
        #expect(drifted.status == 2)
        #expect(drifted.changed == ["c1", "c3", "c5", "c6", "c7", "c8"])

        // Records changed by another process (here: an operator's heal request) void the mark.
        #expect(try w.apply().status == 0)
        #expect(try plannedChanges(w).changed.isEmpty)
        _ = try w.sql("UPDATE clusters SET heal_override = 1 WHERE name = 'c9'")
        #expect(try w.sql("SELECT c.settled_revision = r.revision FROM clusters c JOIN cluster_revisions r ON r.cluster = c.name WHERE c.name = 'c9'") == "0")
    }

    /// A restarted `bosun run` takes the clusters `apply` left settled as settled: it plans
    /// none of them again, yet heals the first one that drifts.
    @Test func aRestartedRunAdoptsSettledClustersAndStillHeals() async throws {
        let w = try SimWorld()
        for name in Self.names.prefix(3) {
            try w.publish(SimWorld.spec(name: name, masters: 1, workers: 1), as: "\(name).yaml")
        }
        #expect(try w.apply().status == 0)
        func plans() throws -> Int { Int(try w.sql("SELECT count(*) FROM events WHERE kind = 'plan-started'")) ?? -1 }
        let before = try plans()
        // Only a full pass writes last_pass_at; the fast path writes nothing.
        func lastPasses() throws -> String { try w.sql("SELECT group_concat(last_pass_at) FROM (SELECT last_pass_at FROM clusters ORDER BY name)") }
        let passed = try lastPasses()
        let run = try BosunProcess.start(
            ["run", "--db", w.db, "--specs", w.specs, "--interval", "200ms", "--drift-interval", "300ms", "--log-level", "debug"] + SimWorld.fast,
            log: w.dir + "/run.log")
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        // Several drift sweeps and scheduled passes go by: nothing is planned.
        try await BosunProcess.waitFor("three drift sweeps") {
            let log = (try? String(contentsOfFile: w.dir + "/run.log", encoding: .utf8)) ?? ""
            return log.components(separatedBy: "drift sweep finished").count > 3
        }
        #expect(try plans() == before, "a settled cluster was planned again after the restart")
        #expect(try lastPasses() == passed, "a settled cluster had a full pass after the restart")

        let victim = try #require(try w.vms().first { $0.instanceId == "c1/worker/0" })
        #expect(try w.bosun(["sim", "kill", victim.id]).status == 0)
        try await BosunProcess.waitFor("c1 healed") {
            try w.vms().contains { $0.instanceId == "c1/worker/0" && $0.id != victim.id && $0.state == "running" }
        }
        #expect(try plans() > before)
        kill(run.processIdentifier, SIGTERM)
        #expect(try await BosunProcess.waitExit(run) == 0)
    }
}
