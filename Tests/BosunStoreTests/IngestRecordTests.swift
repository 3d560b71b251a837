import BosunModel
import BosunSpec
import BosunStore
import Foundation
import Testing

/// Ingestion decisions recorded in a real SQLite file.
@Suite struct IngestRecordTests {
    let dir: String
    let store: Store

    init() throws {
        dir = try StoreFixtures.tempDirectory()
        store = try Store(path: dir + "/s.db")
    }

    @Test func newSpecIsAcceptedAtGenerationOne() throws {
        let (report, _) = try StoreFixtures.ingest(store, ["/s/a.yaml": try StoreFixtures.accepted(StoreFixtures.spec("a"))])
        #expect(report.accepted.map(\.name) == ["a"])
        let status = try #require(try store.clusterStatuses(name: "a").first)
        #expect(status.generation == 1)
        #expect(status.desired == 2)
        #expect(status.lifecycle == "active")
        #expect(status.phase == "pending")
        #expect(try store.desiredSpec("a") == StoreFixtures.spec("a"))
        #expect(try store.events(cluster: "a").map(\.kind) == ["spec-accepted"])
    }

    @Test func sameSpecAgainChangesNothing() throws {
        let files = ["/s/a.yaml": try StoreFixtures.accepted(StoreFixtures.spec("a"))]
        try StoreFixtures.ingest(store, files)
        let (report, _) = try StoreFixtures.ingest(store, files)
        #expect(report.isEmpty)
        #expect(try store.clusterStatuses(name: "a").first?.generation == 1)
        #expect(try store.events().count == 1)
    }

    @Test func realChangeBumpsGeneration() throws {
        try StoreFixtures.ingest(store, ["/s/a.yaml": try StoreFixtures.accepted(StoreFixtures.spec("a"))])
        try StoreFixtures.ingest(store, ["/s/a.yaml": try StoreFixtures.accepted(StoreFixtures.spec("a", workers: 5))])
        let status = try #require(try store.clusterStatuses(name: "a").first)
        #expect(status.generation == 2)
        #expect(status.desired == 5)
    }

    @Test func rejectedFileKeepsLastAcceptedVersionInEffect() throws {
        try StoreFixtures.ingest(store, ["/s/a.yaml": try StoreFixtures.accepted(StoreFixtures.spec("a"))])
        let (report, _) = try StoreFixtures.ingest(store, ["/s/a.yaml": StoreFixtures.rejected("/s/a.yaml", "broken", line: 3)])
        #expect(report.rejected == ["/s/a.yaml"])
        #expect(try store.desiredSpec("a") == StoreFixtures.spec("a"))
        #expect(try store.clusterStatuses(name: "a").first?.lifecycle == "active")
        let error = try #require(try store.specErrors().first)
        #expect(error.formatted == "/s/a.yaml:3:1: name: broken")
        #expect(error.cluster == "a")
        #expect(try sqlite(store.path, "SELECT path || ':' || line || ': ' || message FROM spec_errors") == "/s/a.yaml:3: broken")
        // The same error again records nothing new.
        let (again, _) = try StoreFixtures.ingest(store, ["/s/a.yaml": StoreFixtures.rejected("/s/a.yaml", "broken", line: 3)])
        #expect(again.isEmpty)
        #expect(try store.events(cluster: "a").map(\.kind) == ["spec-accepted", "spec-rejected"])
        // Fixing the file clears the error.
        try StoreFixtures.ingest(store, ["/s/a.yaml": try StoreFixtures.accepted(StoreFixtures.spec("a", image: "img-2"))])
        #expect(try store.specErrors().isEmpty)
        #expect(try store.clusterStatuses(name: "a").first?.generation == 2)
    }

    @Test func secondFileWithSameNameIsRejectedNamingBoth() throws {
        let files = [
            "/s/a.yaml": try StoreFixtures.accepted(StoreFixtures.spec("x")),
            "/s/b.yaml": try StoreFixtures.accepted(StoreFixtures.spec("x", image: "other")),
        ]
        let (_, duplicates) = try StoreFixtures.ingest(store, files)
        #expect(duplicates == ["/s/b.yaml"])
        #expect(try store.clusterStatuses(name: "x").first?.sourcePath == "/s/a.yaml")
        #expect(try store.desiredSpec("x")?.image == "img-1")
        let error = try #require(try store.specErrors().first)
        #expect(error.path == "/s/b.yaml")
        #expect(error.message == "cluster 'x' is already declared by /s/a.yaml; this file is ignored while that file declares it")
        // When the first file goes away, the second takes over on the next pass.
        try StoreFixtures.ingest(store, ["/s/b.yaml": files["/s/b.yaml"]!], changed: [], recheck: duplicates)
        let status = try #require(try store.clusterStatuses(name: "x").first)
        #expect(status.sourcePath == "/s/b.yaml")
        #expect(status.lifecycle == "active")
        #expect(try store.desiredSpec("x")?.image == "other")
        #expect(try store.specErrors().isEmpty)
    }

    @Test func removedFileOrphansProtectedCluster() throws {
        try StoreFixtures.ingest(store, ["/s/a.yaml": try StoreFixtures.accepted(StoreFixtures.spec("a"))])
        let (report, _) = try StoreFixtures.ingest(store, [:])
        #expect(report.released.map(\.lifecycle) == ["orphaned"])
        let status = try #require(try store.clusterStatuses(name: "a").first)
        #expect(status.lifecycle == "orphaned")
        #expect(try store.desiredSpec("a") == StoreFixtures.spec("a"), "nothing is deleted")
        #expect(try store.events(cluster: "a").last?.kind == "cluster-orphaned")
        // Putting the file back restores it without a new generation.
        try StoreFixtures.ingest(store, ["/s/a.yaml": try StoreFixtures.accepted(StoreFixtures.spec("a"))])
        #expect(try store.clusterStatuses(name: "a").first?.lifecycle == "active")
        #expect(try store.clusterStatuses(name: "a").first?.generation == 1)
    }

    @Test func removedFileMarksDeleteClusterDeletingOnlyAfterTheGrace() throws {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        try StoreFixtures.ingest(store, ["/s/a.yaml": try StoreFixtures.accepted(StoreFixtures.spec("a", deletion: .delete))], now: t0)
        try StoreFixtures.ingest(store, [:], now: t0)
        #expect(try store.clusterStatuses(name: "a").first?.lifecycle == "pending-deletion")
        try StoreFixtures.ingest(store, [:], now: t0.addingTimeInterval(600))
        #expect(try store.clusterStatuses(name: "a").first?.lifecycle == "deleting")
        #expect(try store.events(cluster: "a").last?.kind == "cluster-deleting")
    }

    @Test func renamedFileKeepsTheCluster() throws {
        try StoreFixtures.ingest(store, ["/s/a.yaml": try StoreFixtures.accepted(StoreFixtures.spec("a"))])
        let (report, _) = try StoreFixtures.ingest(store, ["/s/renamed.yaml": try StoreFixtures.accepted(StoreFixtures.spec("a"))])
        #expect(report.released.isEmpty)
        let status = try #require(try store.clusterStatuses(name: "a").first)
        #expect(status.sourcePath == "/s/renamed.yaml")
        #expect(status.lifecycle == "active")
    }

    @Test func fileThatNowDeclaresAnotherNameReleasesTheOld() throws {
        try StoreFixtures.ingest(store, ["/s/a.yaml": try StoreFixtures.accepted(StoreFixtures.spec("a"))])
        try StoreFixtures.ingest(store, ["/s/a.yaml": try StoreFixtures.accepted(StoreFixtures.spec("b"))])
        #expect(try store.clusterStatuses(name: "a").first?.lifecycle == "orphaned")
        #expect(try store.clusterStatuses(name: "b").first?.lifecycle == "active")
    }

    @Test func unlistableDirectoryReleasesNothing() throws {
        try StoreFixtures.ingest(store, ["/s/a.yaml": try StoreFixtures.accepted(StoreFixtures.spec("a"))])
        let scan = SpecScan(files: [:], changed: [], directoryError: "cannot list /s")
        let (decisions, _) = IngestDecider().decide(
            scan: scan, recheck: [], clusters: try store.clusterIndex(), errorPaths: try store.specErrorPaths())
        #expect(decisions.isEmpty)
    }

    @Test func errorsOfDeletedFilesAreForgotten() throws {
        try StoreFixtures.ingest(store, ["/s/bad.yaml": StoreFixtures.rejected("/s/bad.yaml", "broken")])
        #expect(try store.specErrors().count == 1)
        try StoreFixtures.ingest(store, [:])
        #expect(try store.specErrors().isEmpty)
    }

    @Test func hostileNamesAreStoredAsDataNotSQL() throws {
        let path = "/s/x'; DROP TABLE clusters;--.yaml"
        try StoreFixtures.ingest(store, [path: StoreFixtures.rejected(path, "it's \"quoted\"; DROP TABLE events;")])
        #expect(try store.specErrors().first?.path == path)
        #expect(try sqlite(store.path, "SELECT count(*) FROM clusters") == "0")
        #expect(try store.events().first?.message.contains("DROP TABLE events") == true)
    }
}
