import BosunSpec
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Only settled files are read: closed or renamed into place, quiet since their last write for
/// the settle time, or seen unchanged for it. Real files, an injected clock.
@Suite struct SettleTests {
    let dir: String
    let clock = FakeClock(Date(timeIntervalSince1970: 1_800_000_000))

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-settle-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    static func spec(_ name: String, workers: Int = 2) -> String {
        """
        name: \(name)
        provider: sim
        image: img-1
        kubernetes: { version: "1.31.2" }
        groups:
          - name: worker
            instances: \(workers)
            azs: [z1]
            vmType: small
            jobs: [kubelet]

        """
    }

    /// Writes `text` and stamps the file's mtime with the fake clock's time plus `age` ago.
    func write(_ name: String, _ text: String, modifiedAgo age: TimeInterval = 0) throws {
        try text.write(toFile: dir + "/" + name, atomically: false, encoding: .utf8)
        try stamp(name, clock.now().addingTimeInterval(-age))
    }

    func stamp(_ name: String, _ date: Date) throws {
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: dir + "/" + name)
    }

    func scanner(tracker: WriteTracker? = nil) -> SpecScanner {
        SpecScanner(directory: dir, settle: 2, tracker: tracker, now: { [clock] in clock.now() })
    }

    @Test func freshFileWaitsForTheSettleTime() throws {
        var s = scanner()
        try write("a.yaml", Self.spec("a"))
        let first = s.scan()
        #expect(first.files.isEmpty)
        #expect(first.unsettled.keys.map { ($0 as NSString).lastPathComponent } == ["a.yaml"])
        clock.advance(1.9)
        #expect(s.scan().files.isEmpty)
        clock.advance(0.2)
        let settled = s.scan()
        #expect(settled.files.values.first?.clusterName == "a")
        #expect(settled.changed.count == 1)
        #expect(settled.unsettled.isEmpty)
    }

    @Test func fileQuietSinceItsLastWriteIsReadAtOnce() throws {
        var s = scanner()
        try write("a.yaml", Self.spec("a"), modifiedAgo: 2)
        #expect(s.scan().files.values.first?.clusterName == "a")
    }

    @Test func closedFileIsReadAtOnceButAWriterStillAtItIsNot() throws {
        let tracker = WriteTracker()
        var s = scanner(tracker: tracker)
        try write("a.yaml", Self.spec("a"))
        tracker.modified("a.yaml")
        tracker.closed("a.yaml", print: try SpecFileReader().fingerprint(dir + "/a.yaml").get())
        #expect(s.scan().files.values.first?.clusterName == "a")
        // An in-place rewrite: a prefix written, the writer still holds the file open.
        let prefix = String(Self.spec("a", workers: 7).prefix(40))
        try write("a.yaml", prefix, modifiedAgo: 10)
        tracker.modified("a.yaml")
        let during = s.scan()
        #expect(during.changed.isEmpty)
        #expect(during.unsettled.count == 1)
        if case .accepted(let accepted)? = during.files.values.first {
            #expect(try accepted.spec().groups.first?.instances == 2, "the last settled content stays")
        } else {
            Issue.record("the last settled content must stay in the scan")
        }
        // Finished and closed: read at once.
        try write("a.yaml", Self.spec("a", workers: 7))
        tracker.closed("a.yaml", print: try SpecFileReader().fingerprint(dir + "/a.yaml").get())
        if case .accepted(let accepted)? = s.scan().files.values.first {
            #expect(try accepted.spec().groups.first?.instances == 7)
        } else {
            Issue.record("the completed file must be accepted")
        }
    }

    @Test func aWriteAfterTheCloseNotYetReportedIsNotTrusted() throws {
        let tracker = WriteTracker()
        var s = scanner(tracker: tracker)
        try write("a.yaml", Self.spec("a"))
        tracker.closed("a.yaml", print: try SpecFileReader().fingerprint(dir + "/a.yaml").get())
        // A new writer truncated and wrote a prefix; its IN_MODIFY is still on its way.
        try write("a.yaml", String(Self.spec("a").prefix(40)))
        let scan = s.scan()
        #expect(scan.files.isEmpty)
        #expect(scan.unsettled.count == 1)
    }

    @Test func aWriterThatStallsLongerThanTheSettleTimeIsTakenAfterItStayedTheSame() throws {
        let tracker = WriteTracker()
        var s = scanner(tracker: tracker)
        try write("a.yaml", Self.spec("a"))
        tracker.modified("a.yaml")
        #expect(s.scan().unsettled.count == 1)
        clock.advance(1)
        #expect(s.scan().unsettled.count == 1)
        clock.advance(1.5)
        #expect(s.scan().files.values.first?.clusterName == "a")
    }

    @Test func contentChangingBetweenScansRestartsTheWait() throws {
        var s = scanner()
        try write("a.yaml", Self.spec("a"))
        _ = s.scan()
        clock.advance(1.5)
        try write("a.yaml", Self.spec("a", workers: 3))
        _ = s.scan()
        clock.advance(1.5)
        #expect(s.scan().files.isEmpty, "changed 1.5 s ago: not settled")
        clock.advance(0.6)
        #expect(s.scan().files.values.first?.clusterName == "a")
    }

    @Test func unchangedFilesAreNotReadAgain() throws {
        var s = scanner()
        try write("a.yaml", Self.spec("a"), modifiedAgo: 5)
        #expect(s.scan().changed.count == 1)
        let again = s.scan()
        #expect(again.changed.isEmpty)
        #expect(again.files.count == 1)
    }
}

/// A clock tests move by hand.
final class FakeClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date) { current = Mutex(start) }

    func now() -> Date { current.withLock { $0 } }

    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
