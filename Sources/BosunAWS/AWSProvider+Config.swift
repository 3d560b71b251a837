import BosunProvider
import Crypto
import Foundation

/// Node configuration over SSM Parameter Store. What every instance of a group shares (jobs,
/// properties with their secrets, links) is one `SecureString`, encrypted with the account's
/// KMS key, named by its content digest: `/bosun/CLUSTER/GROUP/config-DIGEST/N`, split into
/// chunks of at most 4,000 bytes (a standard parameter holds 4 KB). Instances of a group
/// configured alike share the parameter, so a rollout writes it once, not once per instance.
/// The instance's `bosun:config` tag (`DIGEST/CHUNKS`) says which one it has; its identity
/// comes from its own tags and description. Nothing secret is in a tag, a command or a log.
extension AWSProvider {
    static let configChunkBytes = 4_000

    public func configure(vmID: String, config: NodeConfig) async throws {
        let instance = try await runningInstance(vmID)
        let shared = try Self.sharedText(config)
        let digest = SHA256.hash(data: Data(shared.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        let chunks = Self.chunks(shared)
        let prefix = "/bosun/\(config.identity.cluster)/\(config.identity.group)/config-\(digest)"
        if !writtenConfigs.withLock({ $0.contains(prefix) }) {
            for (i, chunk) in chunks.enumerated() {
                let request = PutParameterRequest(Name: "\(prefix)/\(i)", Value: chunk, Type: "SecureString", Overwrite: true, Tier: "Standard")
                _ = try await aws { try await ssm.call("PutParameter", request, as: PutParameterResponse.self) }
            }
            writtenConfigs.withLock { _ = $0.insert(prefix) }
        }
        let value = "\(digest)/\(chunks.count)"
        guard instance.tags[AWSTags.config] != value else { return }
        _ = try await aws { try await batches.tags.submit(.init(resource: vmID, key: AWSTags.config, value: value)).get() }
        memo.withLock { $0.patch(vmID) { $0.setTag(AWSTags.config, value) } }
    }

    public func configuration(vmID: String) async throws -> NodeConfig? {
        guard let instance = try await instance(vmID, fresh: true), let vm = AWSTags.vm(instance) else {
            throw ProviderError.notFound("instance \(vmID)")
        }
        guard let tag = instance.tags[AWSTags.config] else { return nil }
        let parts = tag.split(separator: "/")
        guard parts.count == 2, let count = Int(parts[1]), count > 0 else {
            throw ProviderError(.terminal, code: ProviderError.invalidParameter, message: "instance \(vmID) has a malformed \(AWSTags.config) tag")
        }
        let prefix = "/bosun/\(vm.cluster)/\(vm.group)/config-\(parts[0])"
        let names = (0..<count).map { "\(prefix)/\($0)" }
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
        return config
    }

    /// The configuration without what tells instances of a group apart (sorted keys, so equal
    /// configurations give equal text).
    static func sharedText(_ config: NodeConfig) throws -> String {
        var shared = config
        shared.identity = NodeIdentity(cluster: config.identity.cluster, group: config.identity.group, index: 0, az: "", instanceID: "", address: nil)
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
