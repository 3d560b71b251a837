import BosunController
import BosunModel
import BosunSpec
import BosunStore
import Foundation
import Synchronization
import Testing

/// Seeded random sequences of what editors, `git checkout` and slow writers do to a spec
/// directory — create, rename, unlink, truncate, partial write, directory swap — with ingestion
/// passes in between, on real files and a real database, with a fake clock. Two properties:
/// - no cluster is released to teardown before its file was continuously missing for the grace;
/// - no content is accepted that was not a complete file (partial writes are finished within
///   the settle time, as a slow but live writer does).
@Suite struct SpecDirectoryPropertyTests {
    static let grace: TimeInterval = 60
    static let settle: TimeInterval = 2
    static let names = ["a", "b", "c", "d"]

    /// Version `v` of cluster `name`: a complete spec whose prefix (header and masters) is a
    /// valid spec too, so accepting a prefix would show as a spec with fewer groups.
    static func text(_ name: String, version: Int) -> String {
        """
        name: \(name)
        provider: sim
        image: img-\(version)
        kubernetes: { version: "1.31.2" }
        deletion: delete
        groups:
          - name: master
            instances: 1
            azs: [z1]
            vmType: small
            jobs: [etcd, kubelet]
          - name: worker
            instances: \(version % 5 + 1)
            azs: [z1]
            vmType: small
            jobs: [kubelet]

        """
    }

    static func prefix(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.prefix(11).joined(separator: "\n") + "\n"
    }

    /// What the test knows about one cluster's file.
    struct FileState {
        var path: String?
        var absentSince: Date?
    }

    final class World: Sendable {
        let root: String
        let specs: String
        let clock: Mutex<Date>
        let tracker = WriteTracker()

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-prop-\(UUID().uuidString)").path
            specs = root + "/specs"
            try FileManager.default.createDirectory(atPath: specs, withIntermediateDirectories: true)
            clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        }

        var now: Date { clock.withLock { $0 } }
        func advance(_ s: TimeInterval) { clock.withLock { $0 = $0.addingTimeInterval(s) } }

        /// Writes the file in place, stamping the fake time; `closed` says whether the writer closed it.
        func write(_ name: String, _ text: String, closed: Bool) throws {
            let path = specs + "/" + name
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            try FileManager.default.setAttributes([.modificationDate: now], ofItemAtPath: path)
            tracker.modified(name)
            if closed { tracker.closed(name, print: try SpecFileReader().fingerprint(path).get()) }
        }

        /// Writes a temp file and renames it into place.
        func publish(_ name: String, _ text: String) throws {
            let tmp = specs + "/.\(name).tmp"
            try text.write(toFile: tmp, atomically: false, encoding: .utf8)
            try FileManager.default.setAttributes([.modificationDate: now], ofItemAtPath: tmp)
            #expect(rename(tmp, specs + "/" + name) == 0)
            tracker.closed(name, print: try SpecFileReader().fingerprint(specs + "/" + name).get())
        }

        func unlink(_ name: String) throws {
            try FileManager.default.removeItem(atPath: specs + "/" + name)
            tracker.removed(name)
        }
    }

    @Test(arguments: 0..<24)
    func neverEarlyTeardownNeverPartialContent(seed: Int) async throws {
        var rng = SplitMix64(seed: UInt64(seed) &* 7919 &+ 17)
        let w = try World()
        let store = try Store(path: w.root + "/s.db", now: { [w] in w.now })
        let ingester = Ingester(store: store, directory: w.specs, grace: Self.grace, settle: Self.settle, tracker: w.tracker,
                                now: { [w] in w.now })
        var complete: Set<String> = []
        var version = 0
        var files: [String: FileState] = [:]
        func fileName(_ cluster: String, alt: Bool) -> String { alt ? "\(cluster)-moved.yaml" : "\(cluster).yaml" }
        func nextText(_ cluster: String) throws -> String {
            version += 1
            let text = Self.text(cluster, version: version)
            if case .success(let spec) = SpecDecoder().decode(yaml: text, file: "x") { complete.insert(try CanonicalSpec(spec).hash) }
            return text
        }
        func markPresent(_ c: String, _ name: String) { files[c] = FileState(path: name, absentSince: nil) }
        func markAbsent(_ c: String) {
            if files[c]?.absentSince == nil { files[c] = FileState(path: nil, absentSince: w.now) }
        }
        var lifecycles: [String: String] = [:]
        func pass() async throws {
            try await ingester.pass()
            for status in try store.clusterStatuses() {
                let before = lifecycles[status.cluster]
                lifecycles[status.cluster] = status.lifecycle
                if status.lifecycle == "deleting" && before != "deleting" {
                    let since = try #require(files[status.cluster]?.absentSince, "\(status.cluster) torn down while its file exists (seed \(seed))")
                    #expect(w.now.timeIntervalSince(since) >= Self.grace, "\(status.cluster) torn down early (seed \(seed))")
                }
            }
            let hashes = try store.clusterIndex().values.map(\.hash)
            for hash in hashes { #expect(complete.contains(hash), "a spec that was never a complete file was accepted (seed \(seed))") }
        }

        for c in Self.names {
            try w.publish(fileName(c, alt: false), try nextText(c))
            markPresent(c, fileName(c, alt: false))
        }
        try await pass()

        for _ in 0..<70 {
            let c = Self.names[Int(rng.next() % UInt64(Self.names.count))]
            switch rng.next() % 10 {
            case 0:  // complete rewrite through rename, maybe to the other name
                let name = files[c]?.path ?? fileName(c, alt: false)
                try w.publish(name, try nextText(c))
                markPresent(c, name)
            case 1:  // slow in-place writer: prefix, passes, the rest within the settle time
                let name = files[c]?.path ?? fileName(c, alt: false)
                let text = try nextText(c)
                try w.write(name, Self.prefix(text), closed: false)
                markPresent(c, name)
                w.advance(rng.unit() * Self.settle * 0.45)
                try await pass()
                w.advance(rng.unit() * Self.settle * 0.45)
                try await pass()
                try w.write(name, text, closed: true)
            case 2:  // unlink
                if let name = files[c]?.path {
                    try w.unlink(name)
                    markAbsent(c)
                }
            case 3:  // unlink and rewrite after a short gap (git checkout, some editors)
                if let name = files[c]?.path {
                    try w.unlink(name)
                    markAbsent(c)
                    if rng.next() % 2 == 0 { try await pass() }
                    w.advance(0.05)
                    try w.publish(name, try nextText(c))
                    markPresent(c, name)
                }
            case 4:  // rename to the other name (a file moved in the repository)
                if let name = files[c]?.path {
                    let other = fileName(c, alt: name == fileName(c, alt: false))
                    #expect(rename(w.specs + "/" + name, w.specs + "/" + other) == 0)
                    w.tracker.removed(name)
                    w.tracker.closed(other, print: try SpecFileReader().fingerprint(w.specs + "/" + other).get())
                    markPresent(c, other)
                }
            case 5:  // truncate (an editor about to write, then done)
                if let name = files[c]?.path {
                    try w.write(name, "", closed: false)
                    try await pass()
                    w.advance(0.1)
                    try w.write(name, try nextText(c), closed: true)
                }
            case 6:  // directory swap: the real one moved away, an empty one for a moment
                let away = w.root + "/specs-away"
                #expect(rename(w.specs, away) == 0)
                try FileManager.default.createDirectory(atPath: w.specs, withIntermediateDirectories: false)
                w.tracker.reset()
                let saved = files
                for name in Self.names where files[name]?.path != nil { markAbsent(name) }
                try await pass()
                w.advance(0.5)
                try FileManager.default.removeItem(atPath: w.specs)
                #expect(rename(away, w.specs) == 0)
                for (name, state) in saved where state.path != nil { markPresent(name, state.path!) }
            case 7:  // a file comes back
                if files[c]?.path == nil {
                    try w.publish(fileName(c, alt: false), try nextText(c))
                    markPresent(c, fileName(c, alt: false))
                }
            default:  // time passes: sometimes past the grace
                w.advance(rng.next() % 4 == 0 ? Self.grace * (0.5 + rng.unit()) : rng.unit() * 5)
            }
            try await pass()
        }
    }
}
