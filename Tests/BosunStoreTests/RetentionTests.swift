import BosunModel
import BosunPlanner
import BosunProvider
import BosunStore
import Foundation
import Synchronization
import Testing

/// Pruning (`Store.prune`) on a real SQLite file with an injected clock: the journal and the
/// events stay bounded over many passes, while unfinished rows and the keys that identify
/// Bosun's own VMs survive.
@Suite struct RetentionTests {
    /// A clock tests move by hand.
    final class Clock: Sendable {
        private let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        func now() -> Date { time.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
    }

    let dir: String
    let clock = Clock()
    let store: Store

    init() throws {
        dir = try StoreFixtures.tempDirectory()
        let clock = clock
        store = try Store(path: dir + "/s.db", now: { clock.now() })
        try StoreFixtures.ingest(store, ["/s/demo.yaml": try StoreFixtures.accepted(StoreFixtures.spec("demo", workers: 2))])
    }

    /// The plan that creates every instance from nothing: per worker create-vm, start-jobs,
    /// wait-healthy.
    func creationPlan() throws -> Plan {
        let spec = try #require(try store.desiredSpec("demo"))
        return Planner().plan(cluster: "demo", desired: spec, goal: .converge, observed: Observed(), recorded: Recorded())
    }

    struct Pass {
        var startedCreates: [String] = []
        var unstartedCreates: [String] = []
        var unfinished: [Int64] = []
    }

    /// Journals one plan and finishes it the way passes and crash recoveries do: creates run
    /// (one succeeds, one is interrupted and later cancelled), or never start; the rest is
    /// cancelled or fails. With `leaveUnfinished`, one step stays pending and one running.
    func pass(_ n: Int, leaveUnfinished: Bool = false) throws -> Pass {
        let plan = try creationPlan()
        let ids = try store.journal(plan: plan, planID: "p\(n)")
        var out = Pass()
        for (action, id) in zip(plan.actions, ids) {
            let key = "p\(n)/\(action.id)"
            if action.kind.name == "create-vm" {
                if n % 4 == 3 {
                    out.unstartedCreates.append(key)
                    try store.settle([id], state: "cancelled", note: "superseded")
                    continue
                }
                _ = try store.markRunning(id, owner: "test@host:1")
                out.startedCreates.append(key)
                if action.index == 0 {
                    try store.markSucceeded(id, effect: .none)
                } else if leaveUnfinished {
                    out.unfinished.append(id)
                } else {
                    try store.settle([id], state: "cancelled", note: "superseded: re-planned after an interrupted pass")
                }
            } else if leaveUnfinished && out.unfinished.count < 2 {
                out.unfinished.append(id)  // stays pending
            } else if n % 5 == 0 {
                _ = try store.markRunning(id, owner: "test@host:1")
                try store.markFailed(id, error: "injected")
            } else {
                try store.settle([id], state: "cancelled", note: "a prerequisite failed")
            }
        }
        return out
    }

    func count(_ sql: String) throws -> Int { Int(try sqlite(store.path, sql)) ?? -1 }

    @Test func journalAndEventsStayFlatOverManyPassesAndKnownKeysSurvive() throws {
        let policy = RetentionPolicy(maxAge: .seconds(7 * 86_400), actionsPerCluster: 60, eventsPerCluster: 40, batchSize: 7)
        var started: Set<String> = [], unstarted: Set<String> = []
        var sizes: [Int] = []
        for n in 1...400 {
            let p = try pass(n)
            started.formUnion(p.startedCreates)
            unstarted.formUnion(p.unstartedCreates)
            clock.advance(30)
            if n % 10 == 0 {
                let report = try store.prune(policy)
                #expect(report.batches > 0 || n <= 10)
                sizes.append(try count("SELECT count(*) FROM actions") + count("SELECT count(*) FROM events"))
            }
        }
        // Bounded: after every round, at most the caps (plus nothing unfinished: none was left).
        #expect(try count("SELECT count(*) FROM actions") <= 60)
        #expect(try count("SELECT count(*) FROM events WHERE cluster = 'demo'") <= 40)
        #expect(sizes.max()! <= 100, "rows after each pruning round: \(sizes)")
        #expect(sizes.suffix(20).allSatisfy { $0 == sizes.last }, "flat: \(sizes.suffix(20))")
        // Every create that reached the provider is still recognised as Bosun's, from the journal
        // or from known_keys; creates that never started left no key behind.
        let known = try #require(try store.clusterState("demo")).recorded.knownKeys
        #expect(started.isSubset(of: known))
        let journaled = Set(try sqlite(store.path, "SELECT idempotency_key FROM actions").split(separator: "\n").map(String.init))
        let kept = Set(try sqlite(store.path, "SELECT key FROM known_keys").split(separator: "\n").map(String.init))
        #expect(kept == started.subtracting(journaled))
        #expect(kept.isDisjoint(with: unstarted))
    }

    @Test func unfinishedRowsSurviveAnyAgeAndCap() throws {
        for n in 1...30 { _ = try pass(n) }
        let last = try pass(31, leaveUnfinished: true)
        #expect(last.unfinished.count >= 2)
        clock.advance(30 * 86_400)
        let report = try store.prune(RetentionPolicy(actionsPerCluster: 1, eventsPerCluster: 1, batchSize: 5))
        #expect(report.actions > 0)
        // Only the unfinished rows are left, exactly what journal recovery reads.
        let unfinished = try store.unfinishedActions(cluster: "demo").map(\.id)
        #expect(Set(unfinished) == Set(last.unfinished))
        #expect(try count("SELECT count(*) FROM actions") == last.unfinished.count)
        #expect(try count("SELECT count(*) FROM events") == 0, "every event was older than the retention")
        // The keys of pass 31's running create and of every older started create remain known.
        let known = try #require(try store.clusterState("demo")).recorded.knownKeys
        #expect(known.isSuperset(of: last.startedCreates))
        #expect(try count("SELECT count(*) FROM known_keys WHERE cluster = 'demo' AND kind = 'create-vm'") > 0)
    }

    @Test func youngHistoryUnderTheCapsIsKept() throws {
        for n in 1...5 { _ = try pass(n) }
        let before = try count("SELECT count(*) FROM actions") + count("SELECT count(*) FROM events")
        clock.advance(6 * 86_400)
        let report = try store.prune(.standard)
        #expect(report.isEmpty)
        #expect(try count("SELECT count(*) FROM actions") + count("SELECT count(*) FROM events") == before)
    }

    @Test func resolvedFindingsArePrunedCurrentOnesKept() throws {
        func rogue(_ n: Int) -> Finding {
            Finding(kind: .rogueVM, instance: nil, resource: "vm-\(n)", message: "VM vm-\(n) is not Bosun's")
        }
        // 30 findings seen and resolved one after another, then one still current.
        for n in 0..<30 {
            try store.recordFindings(cluster: "demo", found: [(rogue(n), .open)])
            clock.advance(60)
        }
        try store.recordFindings(cluster: "demo", found: [(rogue(99), .open)])
        #expect(try count("SELECT count(*) FROM finding_rows WHERE state = 'resolved'") == 30)
        let capped = try store.prune(RetentionPolicy(eventsPerCluster: 10, batchSize: 4))
        #expect(capped.findings == 20)
        #expect(try count("SELECT count(*) FROM finding_rows WHERE state = 'resolved'") == 10)
        clock.advance(8 * 86_400)
        let aged = try store.prune(.standard)
        #expect(aged.findings == 10)
        #expect(try store.findings(cluster: "demo", includeResolved: true).map(\.resource) == ["vm-99"], "the current one stays")
    }

    @Test func keysOfAClusterDeletedLongAgoAreForgottenOthersKept() throws {
        try StoreFixtures.ingest(store, [
            "/s/demo.yaml": try StoreFixtures.accepted(StoreFixtures.spec("demo", workers: 2)),
            "/s/gone.yaml": try StoreFixtures.accepted(StoreFixtures.spec("gone", workers: 1)),
        ])
        for n in 1...3 { _ = try pass(n) }
        let gone = try #require(try store.desiredSpec("gone"))
        let plan = Planner().plan(cluster: "gone", desired: gone, goal: .converge, observed: Observed(), recorded: Recorded())
        for id in try store.journal(plan: plan, planID: "g1") {
            _ = try store.markRunning(id, owner: "test@host:1")
            try store.markSucceeded(id, effect: .none)
        }
        try store.requestDeletion(cluster: "gone")
        try store.markDeleted(cluster: "gone")
        clock.advance(8 * 86_400)
        let first = try store.prune(.standard)
        // The deletion is 8 days old: the rows went, their keys were moved to known_keys and,
        // for the deleted cluster only, forgotten.
        #expect(first.keysKept > 0)
        #expect(try store.clusterState("gone")?.recorded.knownKeys.isEmpty == true)
        #expect(try count("SELECT count(*) FROM known_keys WHERE cluster = 'gone'") == 0)
        #expect(try store.clusterState("demo")?.recorded.knownKeys.isEmpty == false, "an active cluster keeps its keys")
    }
}
