import BosunSpec
import Foundation
import Testing

/// File-level bad input: each rejected with a located `(file)` issue, nothing read that must not be.
@Suite struct SpecFileReaderTests {
    let reader = SpecFileReader()

    func firstIssue(_ path: String) -> String? {
        if case .failure(let r) = reader.load(path) { return r.issues.first?.description }
        return nil
    }

    @Test func fileOverOneMiBIsRejectedUnread() throws {
        let dir = try Fixtures.tempDirectory()
        let path = dir + "/big.yaml"
        try Data(repeating: UInt8(ascii: "#"), count: (1 << 20) + 1).write(to: URL(fileURLWithPath: path))
        #expect(firstIssue(path) == "\(path):1:1: (file): file is 1048577 bytes; spec files are limited to 1 MiB")
    }

    @Test func binaryFileIsRejected() throws {
        let dir = try Fixtures.tempDirectory()
        let path = dir + "/bin.yaml"
        try Data([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]).write(to: URL(fileURLWithPath: path))
        #expect(firstIssue(path) == "\(path):1:1: (file): binary content (NUL byte at offset 4); expected a YAML text file")
    }

    @Test func invalidUTF8IsRejected() throws {
        let dir = try Fixtures.tempDirectory()
        let path = dir + "/latin1.yaml"
        try Data("name: d".utf8 + [0xe9] + "mo\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(firstIssue(path) == "\(path):1:1: (file): not valid UTF-8; expected a YAML text file")
    }

    @Test func emptyFileIsRejected() throws {
        let dir = try Fixtures.tempDirectory()
        let path = dir + "/empty.yaml"
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        #expect(firstIssue(path) == "\(path):1:1: (file): empty file; expected a cluster spec mapping")
    }

    @Test func directoryNamedLikeASpecIsRejected() throws {
        let dir = try Fixtures.tempDirectory()
        let path = dir + "/x.yaml"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        #expect(firstIssue(path) == "\(path):1:1: (file): is a directory, not a spec file")
    }

    @Test func symlinkLoopIsRejected() throws {
        let dir = try Fixtures.tempDirectory()
        try FileManager.default.createSymbolicLink(atPath: dir + "/a.yaml", withDestinationPath: dir + "/b.yaml")
        try FileManager.default.createSymbolicLink(atPath: dir + "/b.yaml", withDestinationPath: dir + "/a.yaml")
        #expect(firstIssue(dir + "/a.yaml") == "\(dir)/a.yaml:1:1: (file): cannot read: too many levels of symbolic links (a symlink loop?)")
    }

    @Test func fifoIsRefusedWithoutBlocking() throws {
        let dir = try Fixtures.tempDirectory()
        let path = dir + "/pipe.yaml"
        #expect(mkfifo(path, 0o600) == 0)
        #expect(firstIssue(path) == "\(path):1:1: (file): is not a regular file (device, FIFO or socket)")
    }

    @Test func missingFileIsRejected() throws {
        let dir = try Fixtures.tempDirectory()
        #expect(firstIssue(dir + "/nope.yaml") == "\(dir)/nope.yaml:1:1: (file): no such file")
    }

    @Test func symlinkToAValidSpecIsFollowed() throws {
        let dir = try Fixtures.tempDirectory()
        try Fixtures.minimal.write(toFile: dir + "/real.yml", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.yaml", withDestinationPath: dir + "/real.yml")
        #expect(try reader.load(dir + "/link.yaml").get().name == "demo")
    }

    @Test(arguments: [
        (".hidden.yaml", false), ("a.yaml~", false), ("a.yaml.tmp", false), ("a.yaml.swp", false),
        (".dat.nosync1234.abcd", false), ("a.txt", false), ("a.yaml", true), ("b.yml", true),
    ])
    func fileNameRules(name: String, isSpec: Bool) {
        #expect(SpecRules.isSpecFileName(name) == isSpec)
    }
}
