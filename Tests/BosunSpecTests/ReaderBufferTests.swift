import BosunSpec
import Foundation
import Testing

/// The reader sizes its buffer from `stat` and grows it only for a file that grew: every size up
/// to the limit comes back byte for byte, and one byte past it is still refused.
@Suite struct ReaderBufferTests {
    @Test(arguments: [0, 1, 4095, 4096, 300_000, SpecRules.maxFileBytes])
    func everySizeUpToTheLimitIsReadWhole(size: Int) throws {
        let dir = try Fixtures.tempDirectory()
        let path = dir + "/a.yaml"
        let bytes = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 % 251 + 1) })
        try bytes.write(to: URL(fileURLWithPath: path))
        guard case .success(let read) = SpecFileReader(directory: dir).read(path) else {
            Issue.record("not read")
            return
        }
        #expect(read == bytes)
    }

    @Test func oneBytePastTheLimitIsRefused() throws {
        let dir = try Fixtures.tempDirectory()
        let path = dir + "/a.yaml"
        try Data(count: SpecRules.maxFileBytes + 1).write(to: URL(fileURLWithPath: path))
        guard case .failure(let rejection) = SpecFileReader(directory: dir).read(path) else {
            Issue.record("read")
            return
        }
        #expect(rejection.issues.first?.message.contains("1 MiB") == true)
    }
}
