import BosunProvider
import Crypto
import Foundation

/// Node configuration over SSM Parameter Store.
///
/// What every instance of a group shares (jobs, properties with their secrets, the list of
/// linked instances) is one `SecureString`, encrypted with the account's KMS key and named by its
/// content digest: `/bosun/CLUSTER/GROUP/config-DIGEST/NNN`, in pieces of at most 4,000 bytes (a
/// standard parameter holds 4 KB). Instances of a group configured alike share it, so a rollout
/// writes it once per group, not once per instance. What tells instances apart is not stored:
/// each instance's identity comes from its own tags, and its peers' addresses from theirs (the
/// node resolves them from the `bosun:*` tags when it starts; a recreated peer's new address is
/// seen at once, and the shared parameter does not change with it).
///
/// The start or restart that follows fetches the parameter on the node before `systemctl` (the
/// path is in the script, which is the same for the whole group, so one `SendCommand` still
/// serves them all), and the instance's `bosun:config` tag (`DIGEST/PIECES`) is written with
/// its job states in the same `CreateTags`. Nothing secret is in a tag, a command or a log.
extension AWSProvider {
    static let configChunkBytes = 4_000

    public func configure(vmID: String, config: NodeConfig) async throws {
        _ = try await runningInstance(vmID)
        let shared = try Self.sharedText(config)
        let digest = SHA256.hash(data: Data(shared.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        let chunks = Self.chunks(shared)
        let prefix = Self.parameterPrefix(cluster: config.identity.cluster, group: config.identity.group, digest: digest)
        if !writtenConfigs.withLock({ $0.contains(prefix) }) {
            _ = try await configWrites.run(prefix) { [self] () async throws -> String in
                for (i, chunk) in chunks.enumerated() {
                    let name = Self.chunkName(prefix, i)
                    let request = PutParameterRequest(Name: name, Value: chunk, Type: "SecureString", Overwrite: true, Tier: "Standard")
                    do {
                        _ = try await aws { try await ssm.call("PutParameter", request, as: PutParameterResponse.self) }
                    } catch {
                        throw Self.withheld(error, parameter: name)
                    }
                }
                writtenConfigs.withLock { _ = $0.insert(prefix) }
                return prefix
            }
        }
        handedOver.withLock { $0[vmID] = "\(digest)/\(chunks.count)" }
    }

    public func configuration(vmID: String) async throws -> NodeConfig? {
        guard let instance = try await instance(vmID, fresh: true), let vm = AWSTags.vm(instance) else {
            throw ProviderError.notFound("instance \(vmID)")
        }
        // Handed over by this process and not yet written down with a start's job states.
        guard let tag = handedOver.withLock({ $0[vmID] }) ?? instance.tags[AWSTags.config] else { return nil }
        let parts = tag.split(separator: "/")
        guard parts.count == 2, let count = Int(parts[1]), count > 0 else {
            throw ProviderError(.terminal, code: ProviderError.invalidParameter, message: "instance \(vmID) has a malformed \(AWSTags.config) tag")
        }
        let prefix = Self.parameterPrefix(cluster: vm.cluster, group: vm.group, digest: String(parts[0]))
        let names = (0..<count).map { Self.chunkName(prefix, $0) }
        var values: [String: String] = [:]
        for batch in stride(from: 0, to: names.count, by: 10).map({ Array(names[$0..<min($0 + 10, names.count)]) }) {
            let page = try await aws {
                try await ssm.call("GetParameters", GetParametersRequest(Names: batch, WithDecryption: true), as: GetParametersResponse.self)
            }
            for parameter in page.Parameters ?? [] { values[parameter.Name] = parameter.Value }
        }
        var text = ""
        for name in names {
            guard let chunk = values[name] else {
                throw ProviderError(.terminal, code: ProviderError.notFound, message: "configuration parameter \(name) is missing")
            }
            text += chunk
        }
        var config: NodeConfig
        do { config = try JSONDecoder().decode(NodeConfig.self, from: Data(text.utf8)) } catch {
            throw ProviderError(.terminal, code: ProviderError.invalidParameter, message: "configuration parameters under \(prefix) do not decode")
        }
        config.identity = NodeIdentity(
            cluster: vm.cluster, group: vm.group, index: vm.index, az: vm.az, instanceID: vm.instanceID, address: vm.address)
        // Peers' addresses as the node resolves them: from the cluster's instances now.
        let peers = try await listVMs(cluster: vm.cluster)
        var address: [String: String] = [:]
        for peer in peers where peer.state != .stopped { if let a = peer.address { address["\(peer.group)/\(peer.index)"] = a } }
        for (group, members) in config.links {
            config.links[group] = members.map { LinkedInstance(index: $0.index, az: $0.az, address: address["\(group)/\($0.index)"]) }
        }
        return config
    }

    /// A failed `PutParameter` without AWS's message: a validation error quotes the value it
    /// refused, and that value holds secrets. The code, the retry class and the parameter stay.
    public static func withheld(_ error: any Error, parameter: String) -> ProviderError {
        let code = (error as? ProviderError)?.code ?? "PutParameterFailed"
        let kind = (error as? ProviderError)?.kind ?? .terminal
        return ProviderError(
            kind, code: code, message: "ssm:PutParameter \(parameter): \(code) (AWS's message is withheld: it may quote the secret value)",
            retryAfter: (error as? ProviderError)?.retryAfter)
    }

    /// The `bosun:config` value handed to `vmID` and not yet recorded on it, taken (it is
    /// written with the job states after the start that fetches it).
    func takeHandedOver(_ vmID: String) -> String? {
        handedOver.withLock { $0.removeValue(forKey: vmID) }
    }

    /// The handed-over configuration's parameter path for `vmID`, if any, without taking it.
    func pendingConfigPath(_ vmID: String, cluster: String, group: String) -> String? {
        guard let tag = handedOver.withLock({ $0[vmID] }), let digest = tag.split(separator: "/").first else { return nil }
        return Self.parameterPrefix(cluster: cluster, group: group, digest: String(digest))
    }

    /// The shell that puts the group's configuration in `/etc/bosun/config.json` (0600) on the
    /// node: every piece under `prefix`, in order, decrypted.
    static func fetchScript(_ prefix: String) -> String {
        "install -d -m 0700 /etc/bosun && umask 077 && aws ssm get-parameters-by-path --path \(prefix) --with-decryption"
            + " --query 'sort_by(Parameters,&Name)[].Value' --output text | tr -d '\\t\\n' > /etc/bosun/config.json.new"
            + " && mv /etc/bosun/config.json.new /etc/bosun/config.json"
    }

    static func parameterPrefix(cluster: String, group: String, digest: String) -> String {
        "/bosun/\(cluster)/\(group)/config-\(digest)"
    }

    static func chunkName(_ prefix: String, _ i: Int) -> String {
        prefix + "/" + String(format: "%03d", i)
    }

    /// The configuration without what tells instances of a group apart or changes with other
    /// VMs (its identity, peers' addresses), with sorted keys: equal for the whole group.
    static func sharedText(_ config: NodeConfig) throws -> String {
        var shared = config
        shared.identity = NodeIdentity(cluster: config.identity.cluster, group: config.identity.group, index: 0, az: "", instanceID: "", address: nil)
        shared.links = config.links.mapValues { $0.map { LinkedInstance(index: $0.index, az: $0.az, address: nil) } }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(shared), as: UTF8.self)
    }

    /// `text` in pieces of at most `configChunkBytes` UTF-8 bytes, never splitting a character.
    static func chunks(_ text: String) -> [String] {
        var out: [String] = []
        var current = "", bytes = 0
        for scalar in text.unicodeScalars {
            let size = String(scalar).utf8.count
            if bytes + size > configChunkBytes {
                out.append(current)
                current = ""
                bytes = 0
            }
            current.unicodeScalars.append(scalar)
            bytes += size
        }
        out.append(current)
        return out
    }
}
