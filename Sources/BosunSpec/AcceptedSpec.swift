import BosunModel
import Foundation

/// An accepted spec file's verdict as ingestion uses it: the cluster's name, provider and
/// deletion policy (what the state database records beside the spec) and its canonical form.
///
/// The whole `ClusterSpec` is not kept. A fresh process finds most files unchanged and already
/// recorded, and decoding each one's spec again was about a quarter of a no-op `plan` at 3,000
/// clusters (issue 9), for a value nothing in ingestion reads: the planner reads the spec in
/// effect from the state database. Whoever needs it reads it back with `spec()`.
public struct AcceptedSpec: Sendable, Hashable {
    public let name: String
    public let provider: ProviderKind
    public let deletion: DeletionPolicy
    public let canonical: CanonicalSpec

    /// The verdict for a spec just decoded and put in canonical form.
    public init(_ spec: ClusterSpec, canonical: CanonicalSpec) {
        self.init(name: spec.name, provider: spec.provider, deletion: spec.deletion, canonical: canonical)
    }

    /// The verdict as the state database recorded it for the same content: the three fields
    /// come from the cluster's row, written from the spec whose canonical form this is.
    public init(name: String, provider: ProviderKind, deletion: DeletionPolicy, canonical: CanonicalSpec) {
        self.name = name
        self.provider = provider
        self.deletion = deletion
        self.canonical = canonical
    }

    /// The whole spec, decoded from the canonical JSON. Throws a `DecodingError` when that JSON
    /// is not a spec this Bosun reads (a recorded form altered outside Bosun).
    public func spec() throws -> ClusterSpec {
        try CanonicalSpec.decode(canonical.json)
    }
}
