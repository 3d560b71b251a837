import BosunModel
import Crypto

/// What a restart applies to an instance: its rendered configuration (`NodeConfig`). Its hash,
/// recorded per instance, tells the planner whether a restart is due. It covers the Kubernetes
/// version, the group's jobs, its properties as written (a `((reference))` stands for itself),
/// the version of every credential the properties reference (with its CA's trust bundle), and,
/// for a group that runs etcd, its peers (instance count and AZs). It never covers a secret
/// value: a value changes only with a new version, which the hash sees.
///
/// Links to other groups, and peer addresses, are delivered at every (re)start but do not by
/// themselves restart anything: scaling workers must not restart every master.
public enum JobsConfig {
    /// Hex SHA-256 of a canonical text of the config (sorted keys, JSON-like escaping); stable
    /// across processes and versions. Built by hand: this runs for every group of every
    /// cluster on every pass, and a JSONEncoder costs more than the rest of planning.
    /// `credentials`: `CredentialSet.tokens` of the cluster (empty when it declares none).
    public static func hash(_ spec: ClusterSpec, _ group: GroupSpec, credentials: [String: String] = [:]) -> String {
        var text = "v=" + escape(spec.kubernetes.version) + ";jobs="
        for job in group.jobs { text += escape(job) + "," }
        text += ";properties="
        write(group.properties, into: &text)
        if spec.variables?.isEmpty == false {
            var names = Set<String>()
            references(in: group.properties, into: &names)
            if !names.isEmpty {
                text += ";credentials="
                for name in names.sorted() { text += escape(name) + "=" + escape(credentials[name] ?? "none") + "," }
            }
        }
        if group.runsEtcd {
            text += ";peers=\(group.instances)@" + group.azs.map(escape).joined(separator: ",")
        }
        return SHA256.hash(data: Array(text.utf8)).map { hex[Int($0)] }.joined()
    }

    /// Names of the variables `value` references.
    static func references(in value: JSONValue, into names: inout Set<String>) {
        switch value {
        case .string(let text):
            for reference in VariableReference.all(in: text) { names.insert(String(reference.name)) }
        case .array(let items):
            for item in items { references(in: item, into: &names) }
        case .object(let fields):
            for item in fields.values { references(in: item, into: &names) }
        default: break
        }
    }

    private static let hex: [String] = {
        let digits = Array("0123456789abcdef")
        return (0..<256).map { String([digits[$0 >> 4], digits[$0 & 15]]) }
    }()

    private static func write(_ value: JSONValue, into text: inout String) {
        switch value {
        case .null: text += "null"
        case .bool(let b): text += b ? "true" : "false"
        case .int(let i): text += String(i)
        case .double(let d): text += "d" + String(d)
        case .string(let s): text += escape(s)
        case .array(let items):
            text += "["
            for item in items {
                write(item, into: &text)
                text += ","
            }
            text += "]"
        case .object(let fields):
            text += "{"
            for key in fields.keys.sorted() {
                text += escape(key) + ":"
                write(fields[key]!, into: &text)
                text += ","
            }
            text += "}"
        }
    }

    private static func escape(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
