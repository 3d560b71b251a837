import BosunController
import BosunSpec
import BosunStore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The watcher and ingester against real files in a real directory, with a real database.
@Suite(.serialized) struct WatchIngestTests {
    static func spec(_ name: String, image: String = "img-1") -> String {
        """
        name: \(name)
        provider: sim
        image: \(image)
        kubernetes: { version: "1.31.2" }
        groups:
          - name: worker
            instances: 2
            azs: [z1]
            vmType: small
            jobs: [kubelet]

        """
    }

    final class Harness: Sendable {
        let root: String
        let specs: String
        let store: Store
        let ingester: Ingester
        let task: Task<Void, any Error>

        init(relist: Duration = .seconds(3600)) async throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-watch-\(UUID().uuidString)").path
            specs = root + "/specs"
            try FileManager.default.createDirectory(atPath: specs, withIntermediateDirectories: true)
            store = try Store(path: root + "/s.db")
            let tracker = WriteTracker()
            let ingester = Ingester(store: store, directory: specs, tracker: tracker)
            self.ingester = ingester
            let service = IngestService(ingester: ingester, directory: specs, relistInterval: relist, tracker: tracker)
            task = Task { try await service.run() }
            // The service sets its watch before its first pass: after that pass, no event is missed.
            let deadline = ContinuousClock.now + .seconds(10)
            while await ingester.passCount == 0 {
                guard ContinuousClock.now < deadline else { throw CancellationError() }
                try await Task.sleep(for: .milliseconds(5))
            }
        }

        deinit { task.cancel() }

        /// Writes `text` to a temp name and renames it into place (the contract for writers).
        func publish(_ name: String, _ text: String) throws {
            let tmp = specs + "/.\(name).tmp"
            try text.write(toFile: tmp, atomically: false, encoding: .utf8)
            #expect(rename(tmp, specs + "/" + name) == 0)
        }

        func status(_ name: String) throws -> ClusterStatus? { try store.clusterStatuses(name: name).first }

        /// Polls `condition` every 10 ms until it holds or 10 s pass.
        func until(_ what: String, _ condition: (Harness) throws -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if try condition(self) { return }
                try await Task.sleep(for: .milliseconds(10))
            }
            Issue.record("timed out waiting for \(what)")
            throw CancellationError()
        }
    }

    @Test func atomicRenameIsIngested() async throws {
        let h = try await Harness()
        try h.publish("a.yaml", Self.spec("a"))
        try await h.until("a accepted") { try $0.status("a") != nil }
        try h.publish("a.yaml", Self.spec("a", image: "img-2"))
        try await h.until("a at generation 2") { try $0.status("a")?.generation == 2 }
        #expect(try h.store.desiredSpec("a")?.image == "img-2")
    }

    @Test func partialInPlaceWriteIsRetriedUntilComplete() async throws {
        let h = try await Harness()
        let text = Self.spec("p")
        let half = text.index(text.startIndex, offsetBy: text.count / 2)
        let fd = open(h.specs + "/p.yaml", O_CREAT | O_WRONLY | O_TRUNC, 0o644)
        #expect(fd >= 0)
        _ = String(text[..<half]).withCString { write(fd, $0, strlen($0)) }
        // A re-list in the middle of the write sees a file that has not settled: not read at all.
        try await h.ingester.pass()
        #expect(try h.status("p") == nil)
        #expect(try h.store.specErrors().isEmpty)
        #expect(await h.ingester.unsettled.keys.contains(h.specs + "/p.yaml"))
        _ = String(text[half...]).withCString { write(fd, $0, strlen($0)) }
        close(fd)
        try await h.until("p accepted after close-write") { try $0.status("p") != nil }
        #expect(try h.store.specErrors().isEmpty)
    }

    @Test func deleteOrphansAndRenameAwayOrphans() async throws {
        let h = try await Harness()
        try h.publish("a.yaml", Self.spec("a"))
        try h.publish("b.yaml", Self.spec("b"))
        try await h.until("both accepted") { try $0.status("a") != nil && $0.status("b") != nil }
        try FileManager.default.removeItem(atPath: h.specs + "/a.yaml")
        try await h.until("a orphaned") { try $0.status("a")?.lifecycle == "orphaned" }
        #expect(rename(h.specs + "/b.yaml", h.root + "/b.yaml") == 0)
        try await h.until("b orphaned") { try $0.status("b")?.lifecycle == "orphaned" }
    }

    @Test func ignoredNamesAreNeverIngested() async throws {
        let h = try await Harness()
        try Self.spec("hidden").write(toFile: h.specs + "/.hidden.yaml", atomically: false, encoding: .utf8)
        try Self.spec("temp").write(toFile: h.specs + "/t.yaml.tmp", atomically: false, encoding: .utf8)
        try Self.spec("backup").write(toFile: h.specs + "/b.yaml~", atomically: false, encoding: .utf8)
        try Self.spec("swap").write(toFile: h.specs + "/s.yaml.swp", atomically: false, encoding: .utf8)
        try Self.spec("text").write(toFile: h.specs + "/notes.txt", atomically: false, encoding: .utf8)
        try h.publish("real.yaml", Self.spec("real"))
        try await h.until("real accepted") { try $0.status("real") != nil }
        // The pass that accepted `real` listed the whole directory.
        #expect(try h.store.clusterStatuses().map(\.cluster) == ["real"])
        #expect(try h.store.specErrors().isEmpty)
    }

    @Test func thousandFilesAtOnce() async throws {
        let h = try await Harness()
        let staging = h.root + "/staging"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        for i in 0..<1000 {
            try Self.spec("c\(i)").write(toFile: staging + "/c\(i).yaml", atomically: false, encoding: .utf8)
        }
        for i in 0..<1000 { #expect(rename(staging + "/c\(i).yaml", h.specs + "/c\(i).yaml") == 0) }
        try await h.until("1000 clusters") { try $0.store.clusterStatuses().count == 1000 }
        #expect(try h.store.clusterStatuses().allSatisfy { $0.generation == 1 && $0.lifecycle == "active" })
    }

    @Test func directoryRemovedAndRecreated() async throws {
        let h = try await Harness()
        try h.publish("a.yaml", Self.spec("a"))
        try h.publish("b.yaml", Self.spec("b"))
        try await h.until("both accepted") { try $0.status("b") != nil && $0.status("a") != nil }
        try FileManager.default.removeItem(atPath: h.specs)
        try await h.until("outage recorded") { try $0.store.events().contains { $0.kind == "specs-unavailable" } }
        #expect(try h.status("a")?.lifecycle == "active", "a missing directory releases nothing")
        try FileManager.default.createDirectory(atPath: h.specs, withIntermediateDirectories: false)
        try h.publish("a.yaml", Self.spec("a", image: "img-9"))
        try await h.until("a changed in the new directory") { try $0.status("a")?.generation == 2 }
        try await h.until("b orphaned") { try $0.status("b")?.lifecycle == "orphaned" }
    }

    @Test func relistCatchesWhatTheWatcherDoesNotSee() async throws {
        let h = try await Harness(relist: .milliseconds(300))
        // Created and written but never closed: inotify reports IN_CREATE and IN_MODIFY, neither
        // of which triggers a pass. The re-list finds it and takes it once it has stayed the
        // same for the settle time (2 s).
        let fd = open(h.specs + "/open.yaml", O_CREAT | O_WRONLY, 0o644)
        defer { close(fd) }
        let text = Self.spec("open")
        _ = text.withCString { write(fd, $0, strlen($0)) }
        try await h.until("re-list accepted it") { try $0.status("open") != nil }
    }
}
