import BosunModel
import BosunSpec
import Foundation
import GRDB

extension Store {
    /// One spec file's accepted content, as the decode-once table (`spec_sources`) keeps it.
    public struct SpecSource: Sendable, Hashable {
        public var path: String
        /// SHA-256 of the file's bytes.
        public var digest: Data
        public var cluster: String
        /// Canonical hash of the spec the content declares.
        public var specHash: String

        public init(path: String, digest: Data, cluster: String, specHash: String) {
            self.path = path
            self.digest = digest
            self.cluster = cluster
            self.specHash = specHash
        }
    }

    /// For each path → SHA-256 of its content, the accepted spec recorded for that content
    /// under `validator`: from the path's own row if it has this content, else from any file's
    /// row with it (a rename, a copy). Left out: content with no row, or whose cluster's spec in
    /// effect is no longer that spec (the canonical JSON is kept only in `clusters`, and only
    /// while it is in effect). One read transaction for all of them, and no spec is decoded:
    /// the name, provider and deletion policy come from the cluster's row.
    public func recordedSpecs(_ digests: [String: Data], validator: String) throws -> [String: RecordedSpec] {
        guard !digests.isEmpty else { return [:] }
        let rows = try pool.read { db in
            digests.count > Self.bulkLookupThreshold
                ? try Self.recordedRowsInBulk(db, digests, validator) : try Self.recordedRowsOneByOne(db, digests, validator)
        }
        var out: [String: RecordedSpec] = [:]
        for (path, row) in rows {
            // A value this Bosun does not know can only come from outside it: decode the file.
            guard let provider = ProviderKind(rawValue: row.provider), let deletion = DeletionPolicy(rawValue: row.deletion)
            else { continue }
            let accepted = AcceptedSpec(
                name: row.name, provider: provider, deletion: deletion, canonical: CanonicalSpec(recorded: row.json, hash: row.hash))
            out[path] = RecordedSpec(accepted: accepted, samePath: row.path == path)
        }
        return out
    }

    /// Above this many files a scan reads every row at once: one statement over the table is
    /// cheaper than thousands of lookups (a fresh process reads every file); below it, a lookup
    /// per file reads only what it needs (a `run` reading the few files that changed).
    static let bulkLookupThreshold = 64

    /// A recorded row, by position: `path` is the file it was recorded for.
    private struct RecordedRow {
        var path: String
        var json: String
        var hash: String
        var name: String
        var provider: String
        var deletion: String

        init(_ row: Row) {
            path = row[0]
            json = row[2]
            hash = row[3]
            name = row[4]
            provider = row[5]
            deletion = row[6]
        }
    }

    private static let recordedSQL = """
        SELECT s.path, s.content_sha256, c.spec_json, c.spec_hash, c.name, c.provider, c.deletion
        FROM spec_sources s JOIN clusters c ON c.name = s.cluster AND c.spec_hash = s.spec_hash
        WHERE s.validator = ?
        """

    private static func recordedRowsOneByOne(_ db: Database, _ digests: [String: Data], _ validator: String) throws -> [(String, RecordedRow)] {
        let statement = try db.cachedStatement(sql: recordedSQL + " AND s.content_sha256 = ? ORDER BY s.path = ? DESC, s.path LIMIT 1")
        var found: [(String, RecordedRow)] = []
        for (path, digest) in digests {
            if let row = try Row.fetchOne(statement, arguments: [validator, hex(digest), path]) {
                found.append((path, RecordedRow(row)))
            }
        }
        return found
    }

    private static func recordedRowsInBulk(_ db: Database, _ digests: [String: Data], _ validator: String) throws -> [(String, RecordedRow)] {
        // By content: the row of the path itself if it has it, else the first path with it.
        // Unsorted, and columns by position: sorting or naming 10,000 rows cost more than reading.
        var byContent: [String: [RecordedRow]] = [:]
        let rows = try Row.fetchCursor(db, sql: recordedSQL, arguments: [validator])
        while let row = try rows.next() {
            byContent[row[1], default: []].append(RecordedRow(row))
        }
        var found: [(String, RecordedRow)] = []
        for (path, digest) in digests {
            guard let candidates = byContent[hex(digest)] else { continue }
            found.append((path, candidates.first { $0.path == path } ?? candidates.min { $0.path < $1.path }!))
        }
        return found
    }

    /// Records `sources` (replacing each path's row) and forgets the rows of `removed` paths,
    /// in one transaction. A path in both is kept.
    public func recordSpecSources(_ sources: [SpecSource], removing removed: Set<String> = [], validator: String) throws {
        guard !sources.isEmpty || !removed.isEmpty else { return }
        let kept = Set(sources.map(\.path))
        try write { db in
            for path in removed.subtracting(kept).sorted() {
                try db.execute(sql: "DELETE FROM spec_sources WHERE path = ?", arguments: [path])
            }
            let at = now()
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO spec_sources (path, content_sha256, validator, cluster, spec_hash, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(path) DO UPDATE SET
                    content_sha256 = excluded.content_sha256, validator = excluded.validator,
                    cluster = excluded.cluster, spec_hash = excluded.spec_hash, recorded_at = excluded.recorded_at
                """)
            for source in sources {
                try upsert.execute(arguments: [
                    source.path, Self.hex(source.digest), validator, source.cluster, source.specHash, at,
                ])
            }
        }
    }

    /// Every path with a row in the decode-once table.
    public func specSourcePaths() throws -> Set<String> {
        try pool.read { db in Set(try String.fetchAll(db, sql: "SELECT path FROM spec_sources")) }
    }

    static func hex(_ digest: Data) -> String { CanonicalSpec.hex(digest) }
}
