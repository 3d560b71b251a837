import BosunModel

/// One attribute of a spec that changes, as `bosun plan` shows it: `path: before → after`.
public struct SpecChange: Sendable, Hashable, Codable {
    /// Where, in the spec's own words: `image`, `kubernetes.version`, `groups.worker.instances`,
    /// `groups.worker.jobs`, `groups.master.properties.apiserver.flags.v`.
    public var path: String
    /// Nil when the attribute is new (a group added, a property set).
    public var before: String?
    /// Nil when the attribute goes away.
    public var after: String?

    public init(path: String, before: String?, after: String?) {
        self.path = path
        self.before = before
        self.after = after
    }
}

/// The attributes that differ between the spec a cluster last converged to and the one it is
/// asked to reach, in a fixed order: cluster-wide first, then group by group in the new spec's
/// order (removed groups last). Property values under a key that names a secret (`password`,
/// `secret`, `token`, `key`, `cert`) read `(sensitive)`.
public enum SpecDiff {
    public static func changes(from old: ClusterSpec?, to new: ClusterSpec) -> [SpecChange] {
        guard let old else { return [] }
        var out: [SpecChange] = []
        func note(_ path: String, _ a: String?, _ b: String?) {
            if a != b { out.append(SpecChange(path: path, before: a, after: b)) }
        }
        note("image", old.image, new.image)
        note("kubernetes.version", old.kubernetes.version, new.kubernetes.version)
        let before = Dictionary(old.groups.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for group in new.groups {
            let at = "groups.\(group.name)"
            guard let was = before[group.name] else {
                out.append(SpecChange(path: at, before: nil, after: "\(counted(group.instances, "instance")) of \(group.vmType)"))
                continue
            }
            note(at + ".instances", String(was.instances), String(group.instances))
            note(at + ".vmType", was.vmType, group.vmType)
            note(at + ".azs", was.azs.joined(separator: ", "), group.azs.joined(separator: ", "))
            note(at + ".disk.size", was.disk.map { "\($0.sizeMiB) MiB" }, group.disk.map { "\($0.sizeMiB) MiB" })
            note(at + ".disk.type", was.disk?.type, group.disk?.type)
            note(at + ".loadBalancer", was.loadBalancer, group.loadBalancer)
            let added = group.jobs.filter { !was.jobs.contains($0) }, removed = was.jobs.filter { !group.jobs.contains($0) }
            if !added.isEmpty || !removed.isEmpty {
                let parts = added.map { "+\($0)" } + removed.map { "-\($0)" }
                out.append(SpecChange(path: at + ".jobs", before: was.jobs.joined(separator: ", "), after: group.jobs.joined(separator: ", ") + " (\(parts.joined(separator: " ")))"))
            }
            var props: [SpecChange] = []
            diff(was.properties, group.properties, path: at + ".properties", sensitive: false, into: &props)
            out += props
        }
        let kept = Set(new.groups.map(\.name))
        for group in old.groups where !kept.contains(group.name) {
            out.append(SpecChange(path: "groups.\(group.name)", before: "\(counted(group.instances, "instance")) of \(group.vmType)", after: nil))
        }
        return out
    }

    static let secretWords = ["password", "secret", "token", "key", "cert", "private"]

    private static func diff(_ a: JSONValue?, _ b: JSONValue?, path: String, sensitive: Bool, into out: inout [SpecChange]) {
        if a == b { return }
        if case .object(let x)? = a, case .object(let y)? = b {
            for key in Set(x.keys).union(y.keys).sorted() {
                let secret = sensitive || secretWords.contains { key.lowercased().contains($0) }
                diff(x[key], y[key], path: path + "." + key, sensitive: secret, into: &out)
            }
            return
        }
        out.append(SpecChange(path: path, before: a.map { render($0, sensitive) }, after: b.map { render($0, sensitive) }))
    }

    private static func render(_ value: JSONValue, _ sensitive: Bool) -> String {
        if sensitive, !isReference(value) { return "(sensitive)" }
        switch value {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return "\"\(s)\""
        case .array(let items): return "[" + items.map { render($0, sensitive) }.joined(separator: ", ") + "]"
        case .object(let fields): return "{" + fields.keys.sorted().map { "\($0): \(render(fields[$0]!, sensitive))" }.joined(separator: ", ") + "}"
        }
    }

    /// `((name))`: a reference to a generated credential names it; it is not the secret.
    private static func isReference(_ value: JSONValue) -> Bool {
        if case .string(let s) = value { return s.hasPrefix("((") && s.hasSuffix("))") }
        return false
    }
}
