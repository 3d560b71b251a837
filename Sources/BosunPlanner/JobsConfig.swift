import BosunModel
import Crypto

/// What a restart applies to an instance: the Kubernetes version, the group's jobs and their
/// properties. Its hash, recorded per instance, tells the planner whether a restart is due.
public enum JobsConfig {
    /// Hex SHA-256 of a canonical text of the config (sorted keys, JSON-like escaping); stable
    /// across processes and versions. Built by hand: this runs for every group of every
    /// cluster on every pass, and a JSONEncoder costs more than the rest of planning.
    public static func hash(_ spec: ClusterSpec, _ group: GroupSpec) -> String {
        var text = "v=" + escape(spec.kubernetes.version) + ";jobs="
        for job in group.jobs { text += escape(job) + "," }
        text += ";properties="
        write(group.properties, into: &text)
        return SHA256.hash(data: Array(text.utf8)).map { hex[Int($0)] }.joined()
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
