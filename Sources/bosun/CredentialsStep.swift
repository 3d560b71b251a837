import ArgumentParser
import BosunStore
import BosunModel
import Foundation

/// Where credentials are generated: `bosun apply`, after ingestion and before any action, for
/// every cluster it is about to reconcile that declares `variables:`. A key or generation
/// problem stops the apply before anything changes (a node must never get a half set).
enum CredentialsStep {
    static func ensure(store: Store, clusters: [String], keyFile: KeyFileOptions) throws {
        var specs: [(String, ClusterSpec)] = []
        for cluster in clusters {
            guard let spec = try store.desiredSpec(cluster), spec.variables?.isEmpty == false else { continue }
            specs.append((cluster, spec))
        }
        guard !specs.isEmpty else { return }
        let key = try keyFile.loadOrCreate(store: store)
        for (cluster, spec) in specs {
            do {
                let start = Date()
                let made = try store.ensureCredentials(for: spec, key: key)
                if !made.isEmpty {
                    let ms = Int(Date().timeIntervalSince(start) * 1000)
                    FileHandle.standardError.write(Data("\(cluster): generated \(made.count) credential(s) in \(ms) ms\n".utf8))
                }
            } catch {
                Output.error("\(cluster): credentials: \(error)")
                throw ExitCode.failure
            }
        }
    }
}
