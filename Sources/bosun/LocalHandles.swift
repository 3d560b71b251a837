import BosunController
import BosunLocal
import BosunModel
import BosunProvider
import Synchronization

/// The local provider's handles by region (a cluster's address block), opened on first use.
final class LocalHandles: Sendable {
    private let options: LocalOptions
    private let stateDatabase: String
    private let bucket: TokenBucket
    private let opened = Mutex<(cloud: LocalCloud?, byRegion: [String: ProviderHandle])>((nil, [:]))

    init(options: LocalOptions, stateDatabase: String, bucket: TokenBucket) {
        self.options = options
        self.stateDatabase = stateDatabase
        self.bucket = bucket
    }

    func handle(for spec: ClusterSpec) throws -> ProviderHandle {
        try opened.withLock { state in
            if let known = state.byRegion[spec.region ?? ""] { return known }
            let base = try state.cloud ?? options.cloud(stateDatabase: stateDatabase)
            state.cloud = base
            let cloud = base.serving(region: spec.region)
            let handle = ProviderHandle(infrastructure: cloud, agent: cloud, bucket: bucket)
            state.byRegion[spec.region ?? ""] = handle
            return handle
        }
    }
}
