import BosunModel
import BosunSpec
import Foundation
import Testing

/// A minimal valid spec, and ways to vary it, shared by the spec tests.
enum Fixtures {
    static let minimal = """
        name: demo
        provider: sim
        image: img-1
        kubernetes: { version: "1.31.2" }
        groups:
          - name: worker
            instances: 2
            azs: [z1]
            vmType: small
            jobs: [kubelet]

        """

    /// `minimal` with the line containing `old` replaced by `new` (indentation kept).
    static func replacing(_ old: String, with new: String, in text: String = minimal) -> String {
        precondition(text.contains(old), "fixture has no \(old)")
        return text.replacingOccurrences(of: old, with: new)
    }

    static func decode(_ text: String, file: String = "c.yaml") -> Result<ClusterSpec, SpecRejection> {
        SpecDecoder().decode(yaml: text, file: file)
    }

    /// Expects `yaml` to be rejected with `error` as its first issue, exactly.
    static func expectRejected(_ yaml: String, firstIssue error: String, _ label: String) {
        switch decode(yaml) {
        case .success:
            Issue.record("\(label): accepted")
        case .failure(let rejection):
            #expect(rejection.issues.first?.description == error, "\(label)")
        }
    }

    static func tempDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-spec-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
