import BosunController
import BosunPlanner
import BosunSim
import BosunStore
import Foundation
import GRDB
import Testing

/// A step whose instance's previous step was all it still waited for runs on in the same worker
/// slot, its "running" journaled with that step's "succeeded" (one time for both). The journal must still say exactly
/// what happened: no step started before every step it waits for had succeeded, a failed step's
/// successors never started, and everything else converged. Real state and sim files.
@Suite struct InstanceChainTests {
    struct Row: Decodable, FetchableRecord {
        var plan_id: String
        var step: Int
        var state: String
        var started_at: String?
        var finished_at: String?
        var detail: String
    }

    private func journal(_ dir: String) throws -> [String: [Int: (row: Row, action: PlannedAction)]] {
        try DatabaseQueue(path: dir + "/s.db").read { db in
            var plans: [String: [Int: (row: Row, action: PlannedAction)]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT plan_id, step, state, started_at, finished_at, detail FROM actions") {
                let action = try JSONDecoder().decode(PlannedAction.self, from: Data(row.detail.utf8))
                plans[row.plan_id, default: [:]][row.step] = (row, action)
            }
            return plans
        }
    }

    @Test func noStepStartsBeforeItsPrerequisitesSucceeded() async throws {
        let (dir, store, sim, reconciler) = try FastPathTests.world(seed: 1, prefix: "bosun-chain")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FastPathTests.spec(workers: 5, version: "1.31.1").write(toFile: dir + "/specs/c.yaml", atomically: true, encoding: .utf8)
        try await Ingester(store: store, directory: dir + "/specs", settle: 0).pass()
        var converged = false
        for _ in 0..<10 where !converged {
            if case .converged = await reconciler.reconcile("c") { converged = true }
        }
        #expect(converged)
        let plans = try journal(dir)
        var chained = 0
        for (_, steps) in plans {
            for (_, entry) in steps {
                #expect(entry.row.state == "succeeded", "\(entry.action.kind.name) \(entry.action.instance ?? "")")
                for dep in entry.action.dependsOn {
                    let before = try #require(steps[dep])
                    #expect(before.row.state == "succeeded")
                    #expect((before.row.finished_at ?? "~") <= (entry.row.started_at ?? ""),
                            "\(entry.action.kind.name) started \(entry.row.started_at ?? "-") before \(before.action.kind.name) finished \(before.row.finished_at ?? "-")")
                    if entry.action.dependsOn == [dep] && entry.action.instance == before.action.instance { chained += 1 }
                }
            }
        }
        #expect(chained > 0, "the plan had steps that wait only for their instance's previous step")
        // Every etcd member started its jobs only once all three members' VMs existed: its
        // configuration names them as peers.
        for (_, steps) in plans {
            let masters = steps.values.filter { $0.action.group == "master" }
            let created = masters.filter { $0.action.kind.name == "create-vm" }.compactMap(\.row.finished_at)
            for start in masters where start.action.kind.name == "start-jobs" {
                #expect(created.count == 3)
                #expect(created.allSatisfy { $0 <= (start.row.started_at ?? "") })
            }
        }
        try store.close()
        try sim.close()
    }

    @Test func aFailedStepEndsItsChainAndItsSuccessorsNeverStart() async throws {
        let (dir, store, sim, reconciler) = try FastPathTests.world(seed: 2, prefix: "bosun-chain")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Every start of jobs fails for good: each instance's chain stops there.
        _ = try await sim.console.configure { $0.overrides[.startJobs] = SimFaults(terminalRate: 1) }
        try FastPathTests.spec(workers: 2, version: "1.31.1").write(toFile: dir + "/specs/c.yaml", atomically: true, encoding: .utf8)
        try await Ingester(store: store, directory: dir + "/specs", settle: 0).pass()
        let outcome = await reconciler.reconcile("c")
        guard case .failed = outcome else {
            Issue.record("expected the pass to fail, got \(outcome)")
            return
        }
        for (_, steps) in try journal(dir) {
            for (_, entry) in steps {
                switch entry.action.kind {
                case .startJobs: #expect(entry.row.state == "failed")
                case .waitHealthy, .register: #expect(entry.row.state == "cancelled" && entry.row.started_at == nil)
                default: #expect(entry.row.state == "succeeded", "\(entry.action.kind.name)")
                }
            }
        }
        try store.close()
        try sim.close()
    }
}
