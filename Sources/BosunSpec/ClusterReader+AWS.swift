import BosunModel
import Yams

/// The `aws:` block (`docs/spec-format.md`), read as strictly as the rest of the spec.
extension ClusterReader {
    static let awsKeys = ["subnets", "securityGroups", "keyPair", "instanceProfile", "rootDiskGiB", "targetGroup"]
    static let targetGroupKeys = ["protocol", "port", "healthCheck"]
    static let healthCheckKeys = ["protocol", "port", "path"]
    static let targetProtocols = ["TCP", "TLS", "UDP", "TCP_UDP", "HTTP", "HTTPS"]
    static let healthProtocols = ["TCP", "HTTP", "HTTPS"]

    /// nil when invalid (issues recorded). `groups` (when valid) lets subnets be checked
    /// against the AZs the groups use.
    func awsBlock(_ node: Node, _ path: String, provider: ProviderKind?, groups: [GroupSpec]?) -> AWSClusterSettings? {
        if let provider, provider != .aws {
            r.fail(node, path, "only for provider 'aws', not '\(provider.rawValue)'")
            return nil
        }
        guard let f = r.mapping(node, path, allowed: Self.awsKeys) else { return nil }
        var ok = true
        var settings = AWSClusterSettings()
        if let subnets = f["subnets"] {
            if let map = subnetMap(subnets, f.path("subnets"), groups: groups) { settings.subnets = map } else { ok = false }
        }
        if let groupsNode = f["securityGroups"] {
            let rule = "must be a security group id such as \"sg-0123456789abcdef0\""
            if let list = uniqueList(groupsNode, f.path("securityGroups"), max: 5, what: "security group", item: {
                r.token($0, $1, rule: { Self.isAWSID($0, prefix: "sg-") }, ruleText: rule)
            }) { settings.securityGroups = list } else { ok = false }
        }
        if let key = f["keyPair"] {
            let rule = "must be a key pair name: 1 to 255 printable ASCII characters"
            if let v = r.token(key, f.path("keyPair"), rule: { !$0.isEmpty && $0.count <= 255 && $0.utf8.allSatisfy { $0 >= 32 && $0 < 127 } }, ruleText: rule) {
                settings.keyPair = v
            } else { ok = false }
        }
        if let profile = f["instanceProfile"] {
            let rule = "must be an instance profile name: 1 to 128 of letters, digits and + = , . @ _ -"
            if let v = r.token(profile, f.path("instanceProfile"), rule: Self.isIAMName, ruleText: rule) {
                settings.instanceProfile = v
            } else { ok = false }
        }
        if let size = f["rootDiskGiB"] {
            if let v = r.int(size, f.path("rootDiskGiB"), range: 1...16384) { settings.rootDiskGiB = v } else { ok = false }
        }
        if let tg = f["targetGroup"] {
            if let v = targetGroup(tg, f.path("targetGroup")) { settings.targetGroup = v } else { ok = false }
        }
        return ok ? settings : nil
    }

    private func subnetMap(_ node: Node, _ path: String, groups: [GroupSpec]?) -> [String: String]? {
        let usedAZs = Set((groups ?? []).flatMap(\.azs))
        // Any key is allowed here (an AZ name); `mapping` with every key present as allowed.
        guard case .mapping(let map) = node else {
            r.fail(node, path, "expected a mapping of availability zone to subnet id, got \(r.describe(node))")
            return nil
        }
        let keys: [String] = Array(map.keys).compactMap { key -> String? in if case .scalar(let s) = key { s.string } else { nil } }
        guard let f = r.mapping(node, path, allowed: keys) else { return nil }
        var out: [String: String] = [:]
        var ok = true
        for az in keys.sorted() {
            guard let value = f[az] else { continue }
            let rule = "must be a subnet id such as \"subnet-0123456789abcdef0\""
            guard let subnet = r.token(value, f.path(az), rule: { Self.isAWSID($0, prefix: "subnet-") }, ruleText: rule) else {
                ok = false
                continue
            }
            if groups != nil, !usedAZs.contains(az) {
                r.fail(f.entries[az]?.key, f.path(az), "no group uses availability zone '\(az)' (groups use: \(usedAZs.sorted().joined(separator: ", ")))")
                ok = false
                continue
            }
            out[az] = subnet
        }
        return ok ? out : nil
    }

    private func targetGroup(_ node: Node, _ path: String) -> AWSTargetGroupSettings? {
        guard let f = r.mapping(node, path, allowed: Self.targetGroupKeys) else { return nil }
        var settings = AWSTargetGroupSettings()
        var ok = true
        if let p = f["protocol"] {
            if let v = r.token(p, f.path("protocol"), rule: { Self.targetProtocols.contains($0) }, ruleText: "must be one of \(Self.targetProtocols.joined(separator: ", "))") {
                settings.protocol = v
            } else { ok = false }
        }
        if let p = f["port"] {
            if let v = r.int(p, f.path("port"), range: 1...65535) { settings.port = v } else { ok = false }
        }
        if let hc = f["healthCheck"] {
            if let h = r.mapping(hc, f.path("healthCheck"), allowed: Self.healthCheckKeys) {
                if let p = h["protocol"] {
                    if let v = r.token(p, h.path("protocol"), rule: { Self.healthProtocols.contains($0) }, ruleText: "must be one of \(Self.healthProtocols.joined(separator: ", "))") {
                        settings.healthCheckProtocol = v
                    } else { ok = false }
                }
                if let p = h["port"] {
                    if case .scalar(let s) = p, s.string == "traffic-port" {
                        _ = r.string(p, h.path("port"))
                        settings.healthCheckPort = "traffic-port"
                    } else if let v = r.int(p, h.path("port"), range: 1...65535) {
                        settings.healthCheckPort = String(v)
                    } else { ok = false }
                }
                if let p = h["path"] {
                    let rule = "must be an absolute URL path such as \"/readyz\" (1 to 1024 characters)"
                    if let v = r.token(p, h.path("path"), rule: { $0.hasPrefix("/") && $0.count <= 1024 && !$0.contains(" ") }, ruleText: rule) {
                        if settings.healthCheckProtocol == "TCP" || settings.healthCheckProtocol == nil && !["HTTP", "HTTPS"].contains(settings.protocol) {
                            r.fail(p, h.path("path"), "a path needs an HTTP or HTTPS health check")
                            ok = false
                        } else {
                            settings.healthCheckPath = v
                        }
                    } else { ok = false }
                }
            } else { ok = false }
        }
        return ok ? settings : nil
    }

    static func isAWSID(_ text: String, prefix: String) -> Bool {
        guard text.hasPrefix(prefix) else { return false }
        let rest = text.dropFirst(prefix.count)
        return (8...17).contains(rest.count) && rest.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    static func isIAMName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 128
            && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || "+=,.@_-".utf8.contains($0) }
    }
}
