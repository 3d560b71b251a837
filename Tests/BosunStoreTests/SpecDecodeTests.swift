@testable import BosunStore
import BosunModel
import BosunSpec
import Foundation
import Testing

/// Many recorded specs are decoded spread over the cores: the result is the same specs in the
/// same order as one by one, and a spec that cannot be decoded still fails the whole call.
@Suite struct SpecDecodeTests {
    @Test func decodingManyAtOnceGivesEachSpecInOrder() throws {
        let dir = try StoreFixtures.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: dir + "/s.db")
        // Distinct specs, and repeats of one hash (the cache serves those).
        let specs = (0..<500).map { StoreFixtures.spec("c\($0 % 450)", workers: 1 + $0 % 7) }
        let canonical = try specs.map { try CanonicalSpec($0) }
        let decoded = try store.decodeSpecs(canonical.map { ($0.json, $0.hash) })
        #expect(decoded == specs.map { s in try! CanonicalSpec.decode(try! CanonicalSpec(s).json) })
        #expect(decoded.map(\.name) == specs.map(\.name))
        try store.close()
    }

    @Test func oneSpecThatCannotBeDecodedFailsTheCall() throws {
        let dir = try StoreFixtures.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: dir + "/s.db")
        var rows = try (0..<200).map { n -> (json: String, hash: String) in
            let c = try CanonicalSpec(StoreFixtures.spec("c\(n)"))
            return (c.json, c.hash)
        }
        rows[137] = ("{\"name\": ", "not-a-hash")
        #expect(throws: (any Error).self) { try store.decodeSpecs(rows) }
        try store.close()
    }
}
