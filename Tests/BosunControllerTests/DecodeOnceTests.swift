import BosunController
import BosunSpec
import BosunStore
import Foundation
import Testing

/// Decode once (issue 9): a fresh ingester over files an earlier one accepted takes their
/// decoded specs from the state database instead of parsing YAML, without changing any
/// ingestion rule. Real files, a real SQLite database, and a new `Store` per "process".
@Suite(.serialized) struct DecodeOnceTests {
    static func spec(_ name: String, image: String = "img-1", deletion: String = "protect", comment: String = "") -> String {
        """
        # \(comment)
        name: \(name)
        provider: sim
        image: \(image)
        deletion: \(deletion)
        kubernetes: { version: "1.31.2" }
        groups:
          - name: worker
            instances: 2
            azs: [z1]
            vmType: small
            jobs: [kubelet]

        """
    }

    struct World {
        let root: String
        var specs: String { root + "/specs" }
        var db: String { root + "/state.db" }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-decode-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: root + "/specs", withIntermediateDirectories: true)
        }

        func write(_ name: String, _ text: String) throws {
            try text.write(toFile: specs + "/" + name, atomically: true, encoding: .utf8)
        }

        func remove(_ name: String) throws { try FileManager.default.removeItem(atPath: specs + "/" + name) }

        func move(_ from: String, _ to: String) throws {
            try FileManager.default.moveItem(atPath: specs + "/" + from, toPath: specs + "/" + to)
        }

        /// One pass of a fresh process: a new store connection and a new ingester. Returns the
        /// report, how many files it decoded, and the store to look at.
        func freshPass(
            validator: String = SpecDecoder.validatorVersion, now: Date = Date()
        ) async throws -> (report: IngestReport, decoded: Int, store: Store) {
            let store = try Store(path: db)
            let ingester = Ingester(store: store, directory: specs, settle: 0, validator: validator, now: { now })
            let report = try await ingester.pass()
            return (report, await ingester.decodedFiles, store)
        }

        func path(_ name: String) -> String { URL(fileURLWithPath: specs + "/" + name).standardizedFileURL.path }
    }

    @Test func aFreshIngesterOverUnchangedFilesDecodesNothing() async throws {
        let w = try World()
        try w.write("a.yaml", Self.spec("a"))
        try w.write("b.yaml", Self.spec("b"))
        let first = try await w.freshPass()
        #expect(first.decoded == 2)
        #expect(first.report.accepted.count == 2)

        let second = try await w.freshPass()
        #expect(second.decoded == 0, "nothing parsed again")
        #expect(second.report.isEmpty, "and nothing changed")
        let index = try second.store.clusterIndex()
        #expect(index["a"]?.generation == 1)
        #expect(try second.store.clusterState("a")?.spec.groups.first?.instances == 2, "the cluster reads as before")
        #expect(try second.store.specSourcePaths() == [w.path("a.yaml"), w.path("b.yaml")])
    }

    /// Past a few dozen files the store answers from one read of the whole table.
    @Test func manyFilesAreFoundInBulkTooWithRenamesAndCopies() async throws {
        let w = try World()
        for i in 0..<80 { try w.write(String(format: "c%03d.yaml", i), Self.spec(String(format: "c%03d", i))) }
        let first = try await w.freshPass()
        #expect(first.decoded == 80)

        try w.move("c000.yaml", "z-c000.yaml")
        try w.write("c001.yaml", Self.spec("c001", image: "img-2"))
        try w.write("copy.yaml", Self.spec("c002"))
        let second = try await w.freshPass()
        #expect(second.decoded == 1, "only the changed file")
        let index = try second.store.clusterIndex()
        #expect(index["c000"]?.sourcePath == w.path("z-c000.yaml"))
        #expect(index["c001"]?.generation == 2)
        #expect(second.report.rejected == [w.path("copy.yaml")], "a copy is a duplicate")
        #expect(second.report.accepted.map(\.0).sorted() == ["c000", "c001"])
    }

    @Test func hashesAreLowerCaseHex() throws {
        #expect(CanonicalSpec.hex([0x00, 0x0f, 0xab, 0xff] as [UInt8]) == "000fabff")
        let old = { (d: [UInt8]) in d.map { String(format: "%02x", $0) }.joined() }
        let bytes = (0...255).map(UInt8.init)
        #expect(CanonicalSpec.hex(bytes) == old(bytes), "the form every recorded hash has")
    }

    @Test func aChangedByteIsDecoded() async throws {
        let w = try World()
        try w.write("a.yaml", Self.spec("a"))
        try w.write("b.yaml", Self.spec("b"))
        _ = try await w.freshPass()

        try w.write("a.yaml", Self.spec("a", image: "img-2"))
        let changed = try await w.freshPass()
        #expect(changed.decoded == 1)
        #expect(changed.report.accepted.map(\.0) == ["a"])
        #expect(try changed.store.clusterIndex()["a"]?.generation == 2)

        // A comment changes the bytes, not the spec: decoded, nothing accepted, then recorded.
        try w.write("a.yaml", Self.spec("a", image: "img-2", comment: "reviewed"))
        let comment = try await w.freshPass()
        #expect(comment.decoded == 1)
        #expect(comment.report.isEmpty)
        let after = try await w.freshPass()
        #expect(after.decoded == 0)
        #expect(try after.store.clusterIndex()["a"]?.generation == 2)
    }

    @Test func aRenamedFileIsFoundByItsContentAndMovesTheCluster() async throws {
        let w = try World()
        try w.write("a.yaml", Self.spec("a"))
        try w.write("b.yaml", Self.spec("b"))
        _ = try await w.freshPass()

        try w.move("a.yaml", "renamed.yaml")
        let moved = try await w.freshPass()
        #expect(moved.decoded == 0, "same content under another name")
        #expect(moved.report.accepted.map(\.0) == ["a"])
        let entry = try moved.store.clusterIndex()["a"]
        #expect(entry?.sourcePath == w.path("renamed.yaml"))
        #expect(entry?.generation == 1, "same spec, same generation")
        #expect(try moved.store.specSourcePaths() == [w.path("renamed.yaml"), w.path("b.yaml")])

        let again = try await w.freshPass()
        #expect(again.decoded == 0)
        #expect(again.report.isEmpty)
    }

    @Test func twoFilesWithTheSameContentAreStillDuplicates() async throws {
        let w = try World()
        try w.write("a.yaml", Self.spec("x"))
        _ = try await w.freshPass()

        try w.write("b.yaml", Self.spec("x"))
        let dup = try await w.freshPass()
        #expect(dup.decoded == 0, "the copy's content is known")
        #expect(dup.report.rejected == [w.path("b.yaml")])
        let issues = try dup.store.specIssues(path: w.path("b.yaml"))
        #expect(issues.first?.message.contains("already declared by \(w.path("a.yaml"))") == true)
        #expect(try dup.store.clusterIndex()["x"]?.sourcePath == w.path("a.yaml"))

        let again = try await w.freshPass()
        #expect(try again.store.specErrors().map(\.path) == [w.path("b.yaml")], "still rejected")
        #expect(try again.store.clusterIndex()["x"]?.sourcePath == w.path("a.yaml"))

        // The first file goes (protect: orphaned); the copy then declares the cluster.
        try w.remove("a.yaml")
        let taken = try await w.freshPass()
        #expect(taken.decoded == 0)
        #expect(try taken.store.clusterIndex()["x"]?.sourcePath == w.path("b.yaml"))
        #expect(try taken.store.specErrors().isEmpty)
    }

    @Test func theDeletionGraceStillHolds() async throws {
        let w = try World()
        let t0 = Date()
        try w.write("a.yaml", Self.spec("a", deletion: "delete"))
        try w.write("b.yaml", Self.spec("b"))
        try w.write("c.yaml", Self.spec("c"))
        _ = try await w.freshPass(now: t0)

        try w.remove("a.yaml")
        let missing = try await w.freshPass(now: t0.addingTimeInterval(1))
        #expect(missing.report.pendingDeletion == ["a"])
        #expect(try missing.store.specSourcePaths().contains(w.path("a.yaml")), "kept while the grace runs")

        try w.write("a.yaml", Self.spec("a", deletion: "delete"))
        let back = try await w.freshPass(now: t0.addingTimeInterval(2))
        #expect(back.decoded == 0)
        #expect(back.report.restored == ["a"])
        #expect(try back.store.clusterIndex()["a"]?.lifecycle == .active)

        try w.remove("a.yaml")
        _ = try await w.freshPass(now: t0.addingTimeInterval(3))
        let gone = try await w.freshPass(now: t0.addingTimeInterval(700))
        #expect(gone.report.released.map(\.0) == ["a"])
        #expect(try gone.store.clusterIndex()["a"]?.lifecycle == .deleting)
        #expect(try !gone.store.specSourcePaths().contains(w.path("a.yaml")))
    }

    @Test func aDatabaseWrittenByAnotherValidatorIsDecodedAgain() async throws {
        let w = try World()
        try w.write("a.yaml", Self.spec("a"))
        try w.write("b.yaml", Self.spec("b"))
        let old = try await w.freshPass(validator: "spec-v0")
        #expect(old.decoded == 2)

        let new = try await w.freshPass()
        #expect(new.decoded == 2, "an older validator's results are not trusted")
        #expect(new.report.isEmpty, "the specs themselves did not change")
        let settled = try await w.freshPass()
        #expect(settled.decoded == 0, "recorded again under this validator")
    }

    @Test func rejectedFilesAreDecodedEveryTime() async throws {
        let w = try World()
        try w.write("a.yaml", Self.spec("a"))
        try w.write("bad.yaml", "name: bad\nprovider: sim\nimage: x\nvmTyp: small\n")
        let first = try await w.freshPass()
        #expect(first.decoded == 2)
        #expect(first.report.rejected == [w.path("bad.yaml")])

        let second = try await w.freshPass()
        #expect(second.decoded == 1, "only the rejected file")
        #expect(try second.store.specErrors().map(\.path) == [w.path("bad.yaml")])

        // A file that was accepted and is now broken is decoded and rejected; its old row
        // never stands in for its new content.
        try w.write("a.yaml", "name: a\nimage: [\n")
        let broken = try await w.freshPass()
        #expect(broken.report.rejected == [w.path("a.yaml")])
        #expect(try broken.store.clusterIndex()["a"]?.generation == 1, "the last accepted spec stays")
    }
}
