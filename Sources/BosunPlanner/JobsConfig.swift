import BosunModel
import Crypto
import Foundation

/// What a restart applies to an instance: the Kubernetes version, the group's jobs and their
/// properties. Its hash, recorded per instance, tells the planner whether a restart is due.
public enum JobsConfig {
    private struct Content: Encodable {
        let version: String
        let jobs: [String]
        let properties: JSONValue
    }

    /// Hex SHA-256 of the sorted-key JSON of the config; stable across processes and versions.
    public static func hash(_ spec: ClusterSpec, _ group: GroupSpec) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain strings and validated JSON values cannot fail.
        let data = (try? encoder.encode(Content(version: spec.kubernetes.version, jobs: group.jobs, properties: group.properties))) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
