import BosunModel
import BosunSpec
import Foundation

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

    static func tempDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-spec-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
