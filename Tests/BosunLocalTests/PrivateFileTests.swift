@testable import BosunLocal
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Files holding a node's secrets have their final mode from the first byte and replace the
/// old one atomically, leaving no temporary file behind.
@Suite struct PrivateFileTests {
    @Test func aSecretIsWrittenPrivateAndAtomically() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-private-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/server.key"
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o644)
        try PrivateFile.write(Data("-----BEGIN PRIVATE KEY-----".utf8), to: path, mode: 0o600)
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "-----BEGIN PRIVATE KEY-----")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["server.key"])
        // A directory in the way is an error naming the path, and nothing is left behind.
        try FileManager.default.createDirectory(atPath: dir + "/taken", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/taken/x", withIntermediateDirectories: true)
        #expect(throws: (any Error).self) { try PrivateFile.write(Data("x".utf8), to: dir + "/taken", mode: 0o600) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["server.key", "taken"])
    }
}
