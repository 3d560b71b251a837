import BosunController
import BosunCredentials
import BosunStore
import Synchronization

/// Credentials for node configurations, from the state database, opened with the key file.
/// The key is read on first use and kept; a missing or wrong key fails each use that needs it
/// (naming the file) and is looked for again next time.
final class StoreCredentialSource: CredentialSource {
    let store: Store
    let keyPath: String
    private let key = Mutex<CredentialKey?>(nil)

    init(store: Store, keyPath: String) {
        self.store = store
        self.keyPath = keyPath
    }

    func credentials(cluster: String) throws -> CredentialSet {
        try store.openCredentialSet(cluster: cluster, key: try loadKey())
    }

    func advanceRotation(cluster: String) throws -> String? {
        // Nothing in flight (the usual case): no key needed.
        guard try store.rotationInFlight(cluster: cluster) != nil else { return nil }
        return try store.advanceRotation(cluster: cluster, key: try loadKey())
    }

    func startRotation(cluster: String, name: String, trigger: String) throws -> String {
        let started = try store.startRotation(cluster: cluster, name: name, key: try loadKey(), trigger: trigger)
        return "\(name): \(started.rotation.status)"
    }

    private func loadKey() throws -> CredentialKey {
        if let known = key.withLock({ $0 }) { return known }
        let loaded = try CredentialKey.load(path: keyPath)
        key.withLock { $0 = loaded }
        return loaded
    }
}
