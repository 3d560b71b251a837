import BosunModel

/// The versions of a cluster's credentials and what each one renders to now, with CredHub's
/// transitional rule for CAs: a CA's *active* version is its newest one not marked
/// transitional; its *trust bundle* is the active version's certificate followed by every
/// transitional version's. A certificate's `ca` renders as its CA's bundle, so during a CA
/// rotation every node trusts both the old and the new CA.
public struct CredentialSet: Sendable {
    /// One stored version. `secret` is nil where only metadata was read (planning).
    public struct Version: Sendable, Hashable {
        public var name: String
        public var version: Int
        public var type: VariableType
        public var ca: String?
        public var transitional: Bool
        public var secret: SecretFields?

        public init(name: String, version: Int, type: VariableType, ca: String?, transitional: Bool, secret: SecretFields? = nil) {
            self.name = name
            self.version = version
            self.type = type
            self.ca = ca
            self.transitional = transitional
            self.secret = secret
        }
    }

    private var byName: [String: [Version]]

    /// `versions`: any order, any number per name.
    public init(_ versions: [Version]) {
        byName = Dictionary(grouping: versions, by: \.name).mapValues { $0.sorted { $0.version > $1.version } }
    }

    /// Every version of `name`, newest first.
    public func versions(_ name: String) -> [Version] { byName[name] ?? [] }

    /// This set with one version's transitional flag set to `transitional` (what a rotation
    /// phase is about to write).
    public func with(_ name: String, version: Int, transitional: Bool) -> CredentialSet {
        var copy = self
        copy.byName[name] = (byName[name] ?? []).map { v in
            var v = v
            if v.version == version { v.transitional = transitional }
            return v
        }
        return copy
    }

    /// The names that have a version.
    public var names: [String] { byName.keys.sorted() }

    /// The version that signs and is delivered: the newest not marked transitional (the newest
    /// of all if every one is).
    public func active(_ name: String) -> Version? {
        guard let versions = byName[name] else { return nil }
        return versions.first { !$0.transitional } ?? versions.first
    }

    /// A CA's trust bundle: its active version, then its transitional ones, newest first.
    public func bundle(_ ca: String) -> [Version] {
        guard let active = active(ca) else { return [] }
        return [active] + (byName[ca] ?? []).filter { $0.transitional && $0.version != active.version }
    }

    /// What changes a node's configuration when `name` changes, as text without any secret:
    /// its active version, and for a certificate the versions in its CA's bundle. Feeds the
    /// configuration hash; nil if `name` has no version.
    public func token(_ name: String) -> String? {
        guard let active = active(name) else { return nil }
        var text = "v\(active.version)"
        if active.type == .certificate {
            let ca = active.ca ?? name
            text += ";\(ca)=" + bundle(ca).map { "v\($0.version)" }.joined(separator: "+")
        }
        return text
    }

    /// Tokens of every credential (see `token`).
    public var tokens: [String: String] {
        var out: [String: String] = [:]
        for name in byName.keys { out[name] = token(name) }
        return out
    }

    /// The secret fields `((name))` renders to now: the active version's, with a certificate's
    /// `ca` replaced by its CA's trust bundle. Throws `CredentialError` if `name` has no version
    /// or its secrets were not read.
    public func fields(_ name: String) throws -> SecretFields {
        guard let active = active(name) else { throw CredentialError("no credential '\(name)'") }
        guard let secret = active.secret else { throw CredentialError("credential '\(name)' was not opened") }
        guard active.type == .certificate else { return secret }
        let caName = active.ca ?? name
        var bundle = ""
        for version in self.bundle(caName) {
            guard let pem = version.secret?["certificate"] else { throw CredentialError("credential '\(caName)' v\(version.version) was not opened") }
            bundle += pem.hasSuffix("\n") ? pem : pem + "\n"
        }
        var values: [String: String] = [:]
        for key in secret.keys { values[key] = secret[key] }
        values["ca"] = bundle
        return SecretFields(values)
    }

    /// Every current rendering, for `PropertyRenderer`. Throws as `fields`.
    public func renderable() throws -> [String: SecretFields] {
        var out: [String: SecretFields] = [:]
        for name in byName.keys { out[name] = try fields(name) }
        return out
    }
}
