import BosunModel
import BosunSpec
import BosunStore
import Foundation
import Testing

/// A missing file starts a deletion grace; only a later listing after the grace releases the
/// cluster to teardown; the file coming back cancels it; a mass removal holds instead.
/// Decisions are recorded in a real SQLite file, with an injected clock.
@Suite struct DeletionGraceTests {
    let dir: String
    let store: Store
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        dir = try StoreFixtures.tempDirectory()
        store = try Store(path: dir + "/s.db")
    }

    private func lifecycle(_ name: String) throws -> String? { try store.clusterStatuses(name: name).first?.lifecycle }

    private func files(_ names: [String], deletion: DeletionPolicy = .delete) throws -> [String: SpecOutcome] {
        var out: [String: SpecOutcome] = [:]
        for name in names { out["/s/\(name).yaml"] = try StoreFixtures.accepted(StoreFixtures.spec(name, deletion: deletion)) }
        return out
    }

    @Test func missingFileStartsTheClockAndNothingIsReleasedBeforeIt() throws {
        try StoreFixtures.ingest(store, try files(["a", "b", "c"]), now: t0)
        let (report, _) = try StoreFixtures.ingest(store, try files(["b", "c"]), changed: [], now: t0.addingTimeInterval(5))
        #expect(report.pendingDeletion == ["a"])
        #expect(report.released.isEmpty)
        let status = try #require(try store.clusterStatuses(name: "a").first)
        #expect(status.lifecycle == "pending-deletion")
        #expect(status.missingSince?.hasPrefix("2027-01-15 08:00:05") == true)
        #expect(status.teardownAt?.hasPrefix("2027-01-15 08:10:05") == true)
        // Listings inside the grace change nothing.
        for seconds in [6.0, 300, 604.999] {
            let (again, _) = try StoreFixtures.ingest(store, try files(["b", "c"]), changed: [], now: t0.addingTimeInterval(seconds))
            #expect(again.isEmpty)
            #expect(try lifecycle("a") == "pending-deletion")
        }
        let (due, _) = try StoreFixtures.ingest(store, try files(["b", "c"]), changed: [], now: t0.addingTimeInterval(605))
        #expect(due.released.map(\.name) == ["a"])
        #expect(try lifecycle("a") == "deleting")
        #expect(try store.events(cluster: "a").map(\.kind) == ["spec-accepted", "cluster-pending-deletion", "cluster-deleting"])
    }

    @Test func zeroGraceStillNeedsASecondListing() throws {
        try StoreFixtures.ingest(store, try files(["a", "b", "c"]), now: t0, grace: 0)
        try StoreFixtures.ingest(store, try files(["b", "c"]), changed: [], now: t0, grace: 0)
        #expect(try lifecycle("a") == "pending-deletion")
        try StoreFixtures.ingest(store, try files(["b", "c"]), changed: [], now: t0, grace: 0)
        #expect(try lifecycle("a") == "deleting")
    }

    @Test func fileComingBackCancelsWithoutANewGeneration() throws {
        try StoreFixtures.ingest(store, try files(["a", "b", "c"]), now: t0)
        _ = try store.finishPass(cluster: "a", phase: "converged", error: nil, convergedGeneration: 1)
        try StoreFixtures.ingest(store, try files(["b", "c"]), changed: [], now: t0.addingTimeInterval(1))
        let (back, _) = try StoreFixtures.ingest(store, try files(["a", "b", "c"]), changed: ["/s/a.yaml"], now: t0.addingTimeInterval(2))
        #expect(back.restored == ["a"])
        let status = try #require(try store.clusterStatuses(name: "a").first)
        #expect(status.lifecycle == "active")
        #expect(status.generation == 1)
        #expect(status.phase == "converged", "an unchanged spec that comes back needs no pass")
        #expect(status.missingSince == nil && status.teardownAt == nil)
        #expect(try store.events(cluster: "a").map(\.kind).suffix(2) == ["deletion-cancelled", "spec-accepted"])
        // Long after the old deadline nothing happens.
        let (later, _) = try StoreFixtures.ingest(store, try files(["a", "b", "c"]), changed: [], now: t0.addingTimeInterval(3600))
        #expect(later.isEmpty)
    }

    @Test func aRejectedOrUnsettledFileAtThePathCountsAsPresent() throws {
        try StoreFixtures.ingest(store, try files(["a", "b", "c"]), now: t0)
        try StoreFixtures.ingest(store, try files(["b", "c"]), changed: [], now: t0.addingTimeInterval(1))
        var present = try files(["b", "c"])
        present["/s/a.yaml"] = StoreFixtures.rejected("/s/a.yaml", "half written")
        let (rejected, _) = try StoreFixtures.ingest(store, present, changed: ["/s/a.yaml"], now: t0.addingTimeInterval(700))
        #expect(rejected.restored == ["a"])
        #expect(try lifecycle("a") == "active")
        // Unsettled (still being written, no earlier content): present too.
        try StoreFixtures.ingest(store, try files(["b", "c"]), changed: [], now: t0.addingTimeInterval(701))
        #expect(try lifecycle("a") == "pending-deletion")
        try StoreFixtures.ingest(
            store, try files(["b", "c"]), changed: [], unsettled: ["/s/a.yaml": t0], now: t0.addingTimeInterval(2000))
        #expect(try lifecycle("a") == "active")
    }

    @Test func massRemovalHoldsWithoutAClock() throws {
        try StoreFixtures.ingest(store, try files(["a", "b", "c", "d"]), now: t0)
        let (report, _) = try StoreFixtures.ingest(store, try files(["c", "d"]), changed: [], now: t0.addingTimeInterval(1))
        #expect(report.held == ["a", "b"])
        #expect(report.pendingDeletion.isEmpty)
        let a = try #require(try store.clusterStatuses(name: "a").first)
        #expect(a.lifecycle == "held")
        #expect(a.teardownAt == nil)
        #expect(try store.events(cluster: "a").last?.kind == "specs-mass-removal")
        #expect(try store.events(cluster: "a").last?.message.contains("2 of 4") == true)
        // A day later: still held.
        let (later, _) = try StoreFixtures.ingest(store, try files(["c", "d"]), changed: [], now: t0.addingTimeInterval(86_400))
        #expect(later.isEmpty)
        #expect(try lifecycle("a") == "held")
        // The operator can still delete one by name.
        try store.requestDeletion(cluster: "b")
        #expect(try lifecycle("b") == "deleting")
        // Its file returning releases the hold.
        try StoreFixtures.ingest(store, try files(["a", "c", "d"]), changed: ["/s/a.yaml"], now: t0.addingTimeInterval(86_401))
        #expect(try lifecycle("a") == "active")
    }

    @Test func aSingleLostFileIsNeverAMassRemoval() throws {
        try StoreFixtures.ingest(store, try files(["a", "b"]), now: t0)
        let (one, _) = try StoreFixtures.ingest(store, try files(["b"]), changed: [], now: t0)
        #expect(one.pendingDeletion == ["a"])
        #expect(one.held.isEmpty)
    }

    @Test func lessThanHalfStartsClocksHalfOrMoreHolds() throws {
        try StoreFixtures.ingest(store, try files(["a", "b", "c", "d", "e"]), now: t0)
        let (two, _) = try StoreFixtures.ingest(store, try files(["c", "d", "e"]), changed: [], now: t0)
        #expect(two.pendingDeletion == ["a", "b"], "2 of 5 is less than half")
        // Known files are still 5 (a and b count while their clock runs); losing 3 more holds them.
        let (three, _) = try StoreFixtures.ingest(store, [:], changed: [], now: t0)
        #expect(three.held == ["c", "d", "e"])
        #expect(try lifecycle("a") == "pending-deletion")
    }

    @Test func protectedClustersAreOrphanedAndEmptyDirectoryOfThemIsNoMassHold() throws {
        try StoreFixtures.ingest(store, try files(["p", "q"], deletion: .protect), now: t0)
        let (report, _) = try StoreFixtures.ingest(store, [:], now: t0)
        #expect(report.released.map(\.lifecycle) == ["orphaned", "orphaned"])
    }
}
