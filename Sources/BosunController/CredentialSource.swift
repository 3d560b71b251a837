import BosunCredentials

/// Where the reconciler gets a cluster's credentials, opened, to render node configurations.
public protocol CredentialSource: Sendable {
    /// Every version of `cluster`'s credentials with their secrets. Throws `CredentialError`
    /// when the key file is missing or wrong, or a blob is corrupt: the start that needed them
    /// fails, naming the reason; nothing is generated in their place.
    func credentials(cluster: String) throws -> CredentialSet

    /// Moves the cluster's credential rotation to its next phase if its current phase has
    /// rolled out everywhere; returns what it did in an operator's words, or nil. Throws as
    /// `credentials(cluster:)`; nothing changes then.
    func advanceRotation(cluster: String) throws -> String?

    /// Starts rotating `name` (`Store.startRotation`) with `trigger` (`operator` or `expiry`);
    /// returns what it did in an operator's words. Throws as `Store.startRotation`.
    func startRotation(cluster: String, name: String, trigger: String) throws -> String
}
