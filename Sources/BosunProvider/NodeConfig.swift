import BosunModel

/// Everything one instance needs to run its jobs, rendered by Bosun and handed to the node's
/// agent before its jobs start or restart: who it is, what it runs, its properties with every
/// `((credential))` resolved, and where its peers are. It holds secrets: a provider stores it
/// only where the node alone can read it, and nothing prints it without being asked.
public struct NodeConfig: Sendable, Hashable, Codable {
    /// Who the instance is.
    public var identity: NodeIdentity
    /// The cluster's Kubernetes version.
    public var kubernetesVersion: String
    /// The jobs the node runs, in the spec's order.
    public var jobs: [String]
    /// The group's `properties`, references resolved (credentials included).
    public var properties: JSONValue
    /// Every instance of every group of the cluster, by group name, in index order: etcd peers,
    /// API servers behind a worker's kubelet.
    public var links: [String: [LinkedInstance]]
    /// The configuration hash the planner recorded for it (`instances.jobs_hash`): it covers the
    /// jobs, the properties with each credential's version, and the peers of an etcd group.
    public var hash: String
    /// JSON pointers (RFC 6901) into `properties` of the values that carry a secret (a password,
    /// a private key, or a string with one inside). Displays mask them.
    public var secretPaths: [String]

    /// The wire format is snake_case, like every JSON Bosun prints; property keys are the
    /// operator's own and pass through untouched.
    enum CodingKeys: String, CodingKey {
        case identity, jobs, properties, links, hash
        case kubernetesVersion = "kubernetes_version", secretPaths = "secret_paths"
    }

    public init(
        identity: NodeIdentity, kubernetesVersion: String, jobs: [String], properties: JSONValue,
        links: [String: [LinkedInstance]], hash: String, secretPaths: [String]
    ) {
        self.identity = identity
        self.kubernetesVersion = kubernetesVersion
        self.jobs = jobs
        self.properties = properties
        self.links = links
        self.hash = hash
        self.secretPaths = secretPaths
    }

    /// The same configuration with every secret value replaced by `<redacted>`: what a display
    /// shows unless the operator asks for the secrets.
    public var redacted: NodeConfig {
        var copy = self
        for path in secretPaths { copy.properties = copy.properties.replacing(pointer: path, with: .string("<redacted>")) }
        return copy
    }
}

/// Who an instance is.
public struct NodeIdentity: Sendable, Hashable, Codable {
    public var cluster: String
    public var group: String
    public var index: Int
    public var az: String
    /// Stable id `cluster/group/index`.
    public var instanceID: String
    /// Its VM's address, when the provider reports one.
    public var address: String?

    enum CodingKeys: String, CodingKey {
        case cluster, group, index, az, address
        case instanceID = "instance_id"
    }

    public init(cluster: String, group: String, index: Int, az: String, instanceID: String, address: String?) {
        self.cluster = cluster
        self.group = group
        self.index = index
        self.az = az
        self.instanceID = instanceID
        self.address = address
    }
}

/// One instance as its peers see it.
public struct LinkedInstance: Sendable, Hashable, Codable {
    public var index: Int
    public var az: String
    /// Its VM's address, or nil while it has no VM (not created yet, or being replaced): the
    /// node learns it at its next configuration.
    public var address: String?

    public init(index: Int, az: String, address: String?) {
        self.index = index
        self.az = az
        self.address = address
    }
}
