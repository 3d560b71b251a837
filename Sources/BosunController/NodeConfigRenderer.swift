import BosunCredentials
import BosunModel
import BosunPlanner
import BosunProvider

/// Renders one instance's `NodeConfig`: its identity, its group's jobs and properties with
/// every `((credential))` resolved, and links to every instance of every group.
struct NodeConfigRenderer: Sendable {
    let spec: ClusterSpec
    let book: AddressBook
    let credentials: (any CredentialSource)?

    /// Throws `ActionError` (not retryable) when the group is gone from the spec or its
    /// credentials cannot be opened or resolved; the message names the cluster and the reason,
    /// never a value.
    func render(instance: String, group groupName: String, index: Int, hash: String) throws -> NodeConfig {
        guard let group = spec.groups.first(where: { $0.name == groupName }) else {
            throw ActionError(message: "\(instance): group \(groupName) is no longer in the spec (the next pass re-plans)", retryable: false)
        }
        var properties = group.properties
        var secretPaths: [String] = []
        if let variables = spec.variables, !variables.isEmpty, Self.hasReference(properties) {
            guard let credentials else {
                throw ActionError(message: "\(spec.name): credentials are not available to this process", retryable: false)
            }
            do {
                let set = try credentials.credentials(cluster: spec.name)
                (properties, secretPaths) = try PropertyRenderer(credentials: try set.renderable()).renderTrackingSecrets(properties)
            } catch {
                throw ActionError(message: "\(spec.name): cannot render \(instance)'s properties: \(error)", retryable: false)
            }
        }
        var links: [String: [LinkedInstance]] = [:]
        for g in spec.groups {
            var known: [Int: String] = [:]
            for i in 0..<g.instances { if let entry = book["\(spec.name)/\(g.name)/\(i)"] { known[i] = entry.az } }
            let azs = Placement.assign(count: g.instances, azs: g.azs, existing: known)
            links[g.name] = azs.enumerated().map { i, az in
                LinkedInstance(index: i, az: az, address: book["\(spec.name)/\(g.name)/\(i)"]?.address)
            }
        }
        let own = book[instance]
        let az = own?.az ?? links[groupName]?.first { $0.index == index }?.az ?? group.azs.first ?? ""
        return NodeConfig(
            identity: NodeIdentity(cluster: spec.name, group: groupName, index: index, az: az, instanceID: instance, address: own?.address),
            kubernetesVersion: spec.kubernetes.version, jobs: group.jobs, properties: properties, links: links, hash: hash,
            secretPaths: secretPaths)
    }

    static func hasReference(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let s): return s.contains("((")
        case .array(let items): return items.contains(where: hasReference)
        case .object(let fields): return fields.values.contains(where: hasReference)
        default: return false
        }
    }
}
