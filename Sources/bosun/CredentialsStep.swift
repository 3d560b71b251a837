import ArgumentParser
import BosunCredentials
import BosunModel
import BosunStore
import Foundation
import Logging

/// Where credentials are generated: after ingestion and before any action, for every cluster
/// about to be reconciled that declares `variables:` — in `bosun apply` for its targets, in
/// `bosun run` after each ingestion pass for the clusters it accepted. Existing versions are
/// never regenerated; a missing or wrong key generates nothing.
enum CredentialsStep {
    /// The key for generating: created (0600, 256 random bits) only when the file is missing
    /// and the database holds no credential yet. Throws `CredentialError` otherwise.
    static func key(store: Store, path: String) throws -> CredentialKey {
        if !FileManager.default.fileExists(atPath: path), try !store.hasCredentials() {
            return try CredentialKey.create(path: path)
        }
        return try CredentialKey.load(path: path)
    }

    /// Generates what `clusters` declare and lack; returns `(cluster, names generated, ms)` for
    /// each that got any. Throws `CredentialError` or a store error, prefixed with the cluster.
    static func generate(store: Store, clusters: [String], keyPath: String) throws -> [(cluster: String, names: [String], ms: Int)] {
        var specs: [ClusterSpec] = []
        for cluster in clusters {
            guard let spec = try store.desiredSpec(cluster), spec.variables?.isEmpty == false else { continue }
            specs.append(spec)
        }
        guard !specs.isEmpty else { return [] }
        let key = try key(store: store, path: keyPath)
        var out: [(String, [String], Int)] = []
        for spec in specs {
            let start = Date()
            do {
                let made = try store.ensureCredentials(for: spec, key: key)
                if !made.isEmpty { out.append((spec.name, made, Int(Date().timeIntervalSince(start) * 1000))) }
            } catch {
                throw CredentialError("\(spec.name): credentials: \(error)")
            }
        }
        return out
    }

    /// `apply`: generate, or exit 1 with the error before any action.
    static func ensure(store: Store, clusters: [String], keyFile: KeyFileOptions) throws {
        do {
            for made in try generate(store: store, clusters: clusters, keyPath: keyFile.path(database: store.path)) {
                FileHandle.standardError.write(Data("\(made.cluster): generated \(made.names.count) credential(s) in \(made.ms) ms\n".utf8))
            }
        } catch {
            Output.error("\(error)")
            throw ExitCode.failure
        }
    }

    /// `run`: generate and log; a failure is logged (and recorded as an event) and the
    /// controller carries on reconciling infrastructure.
    static func inController(store: Store, clusters: [String], keyPath: String, logger: Logger) {
        do {
            for made in try generate(store: store, clusters: clusters, keyPath: keyPath) {
                logger.info("credentials generated", metadata: ["cluster": "\(made.cluster)", "count": "\(made.names.count)", "ms": "\(made.ms)"])
            }
        } catch {
            logger.error("credentials not generated", metadata: ["error": "\(error)"])
            try? store.recordEvent(cluster: nil, kind: "credentials-failed", message: "\(error)")
        }
    }
}
