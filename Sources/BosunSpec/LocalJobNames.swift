import BosunJobCatalog
import Foundation
import Yams

/// The job names a `provider: local` cluster may use: the built-in job catalog plus the
/// operator's catalog directory (`BOSUN_JOB_CATALOG`, which `--job-catalog` sets), read once
/// per process.
public struct LocalJobNames: Sendable {
    public let names: Set<String>
    /// How messages name the catalog: `built-in` or `built-in + DIR`.
    public let origin: String

    public static let current = LocalJobNames(directory: ProcessInfo.processInfo.environment["BOSUN_JOB_CATALOG"])

    public init(directory: String?) {
        var names = Set(BuiltinJobs.all.compactMap { Self.name(in: $0.yaml) })
        var origin = "built-in jobs"
        if let directory, !directory.isEmpty {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for file in files where file.hasSuffix(".yml") || file.hasSuffix(".yaml") {
                if let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8), let name = Self.name(in: text) {
                    names.insert(name)
                }
            }
            origin += " + \(directory)"
        }
        self.names = names
        self.origin = origin
    }

    private static func name(in yaml: String) -> String? {
        guard case .mapping(let map)? = try? Yams.compose(yaml: yaml) else { return nil }
        return map["name"]?.string
    }

    /// Part of the decoded-spec cache key: a change of catalog re-validates every spec.
    var fingerprint: String { names.sorted().joined(separator: ",") }
}
