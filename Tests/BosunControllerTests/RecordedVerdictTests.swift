import BosunController
import BosunSpec
import BosunStore
import Foundation
import GRDB
import Testing

/// A file found in the decode-once table is not decoded: its verdict is built from the
/// cluster's row. That verdict must be exactly the one decoding the file gives (name, provider,
/// deletion policy, canonical form), found one by one or in bulk; and a row whose values this
/// Bosun does not know is not trusted. Real files and a real state database.
@Suite(.serialized) struct RecordedVerdictTests {
    private func world(files: Int) async throws -> DecodeOnceTests.World {
        let w = try DecodeOnceTests.World()
        for n in 0..<files {
            let name = String(format: "c%03d", n)
            try w.write("\(name).yaml", DecodeOnceTests.spec(name, image: "img-\(n % 3)", deletion: n % 2 == 0 ? "delete" : "protect"))
        }
        let first = try await w.freshPass()
        #expect(first.report.accepted.count == files)
        try first.store.close()
        return w
    }

    /// A fresh scan with and without the table; the first must decode nothing.
    private func scans(_ w: DecodeOnceTests.World) throws -> (recorded: SpecScan, decoded: SpecScan) {
        let store = try Store(path: w.db)
        defer { try? store.close() }
        var withTable = SpecScanner(directory: w.specs, settle: 0, lookup: StoredSpecSources(store: store))
        var without = SpecScanner(directory: w.specs, settle: 0)
        return (withTable.scan(), without.scan())
    }

    @Test(arguments: [3, 80]) func aRecordedVerdictIsTheOneDecodingGives(files: Int) async throws {
        let w = try await world(files: files)
        let (recorded, decoded) = try scans(w)
        #expect(recorded.decoded.isEmpty, "every file was found in the table")
        #expect(decoded.decoded.count == files)
        #expect(recorded.files == decoded.files)
        guard case .accepted(let spec)? = recorded.files[w.path("c000.yaml")] else {
            Issue.record("c000 must be accepted")
            return
        }
        #expect(spec.name == "c000" && spec.provider == .sim && spec.deletion == .delete)
        #expect(try spec.spec() == CanonicalSpec.decode(spec.canonical.json))
    }

    @Test(arguments: [3, 80]) func aRowWithValuesThisBosunDoesNotKnowIsDecodedInstead(files: Int) async throws {
        let w = try await world(files: files)
        // Only an edit that bypasses the table's checks can leave such a row.
        let queue = try DatabaseQueue(path: w.db)
        try queue.inDatabase { db in try db.execute(sql: "PRAGMA ignore_check_constraints = ON") }
        try await queue.write { db in
            try db.execute(sql: "UPDATE clusters SET provider = 'elsewhere' WHERE name = 'c001'")
            try db.execute(sql: "UPDATE clusters SET deletion = 'maybe' WHERE name = 'c002'")
        }
        let (recorded, decoded) = try scans(w)
        #expect(recorded.decoded == [w.path("c001.yaml"), w.path("c002.yaml")])
        #expect(recorded.files == decoded.files, "the verdicts are the file's own")
    }
}
