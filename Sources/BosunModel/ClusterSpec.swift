/// One cluster as the operator declared it in a spec file, after validation and with every
/// default filled in. Two specs that mean the same thing are equal, whatever their YAML looked like.
public struct ClusterSpec: Sendable, Hashable, Codable {
    /// Cluster name: a DNS label, unique across all spec files.
    public var name: String
    /// Which infrastructure provider manages the cluster.
    public var provider: ProviderKind
    /// Provider region; `nil` where the provider needs none.
    public var region: String?
    /// Machine image (stemcell) identifier; a change recreates VMs.
    public var image: String
    /// Kubernetes settings; a version change restarts jobs.
    public var kubernetes: KubernetesSpec
    /// Cluster-wide rollout policy (groups may override it).
    public var update: UpdatePolicy
    /// Resurrection and meltdown policy.
    public var healing: HealingPolicy
    /// What removing the spec file does.
    public var deletion: DeletionPolicy
    /// Instance groups, in update order.
    public var groups: [GroupSpec]
    /// The `aws:` block (provider `aws` only); nil: AWS's defaults.
    public var aws: AWSClusterSettings?
    /// Declared credentials; `nil` when the spec has no `variables:` key (so specs without
    /// variables keep their canonical form and hash).
    public var variables: [VariableSpec]?
    /// The `credentials:` block; `nil` when absent (then `CredentialPolicy.defaults` applies and
    /// the canonical form is unchanged).
    public var credentials: CredentialPolicy?

    /// The credential policy in effect.
    public var credentialPolicy: CredentialPolicy { credentials ?? .defaults }

    public init(
        name: String, provider: ProviderKind, region: String?, image: String,
        kubernetes: KubernetesSpec, update: UpdatePolicy, healing: HealingPolicy,
        deletion: DeletionPolicy, groups: [GroupSpec], aws: AWSClusterSettings? = nil, variables: [VariableSpec]? = nil,
        credentials: CredentialPolicy? = nil
    ) {
        self.credentials = credentials
        self.name = name
        self.provider = provider
        self.region = region
        self.image = image
        self.kubernetes = kubernetes
        self.update = update
        self.healing = healing
        self.deletion = deletion
        self.groups = groups
        self.aws = aws
        self.variables = variables
    }

    /// Total number of instances the cluster asks for.
    public var desiredInstances: Int { groups.reduce(0) { $0 + $1.instances } }
}

/// The infrastructure providers Bosun knows.
public enum ProviderKind: String, Sendable, Hashable, Codable, CaseIterable {
    case sim
    case aws
    /// Processes on this machine: runit trees on loopback addresses, haproxy, the job catalog.
    case local
}

/// Kubernetes-level settings of a cluster.
public struct KubernetesSpec: Sendable, Hashable, Codable {
    /// Kubernetes version, `MAJOR.MINOR.PATCH` with an optional suffix.
    public var version: String

    public init(version: String) { self.version = version }
}

/// What happens to a cluster when its spec file disappears.
public enum DeletionPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Mark the cluster orphaned and touch nothing (the default).
    case protect
    /// Tear the cluster down in order.
    case delete
}
