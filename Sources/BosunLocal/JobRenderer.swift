import BosunModel
import BosunProvider
import Foundation
import Mustache

/// Renders a job definition for one node: its files and its argv, from the node's delivered
/// configuration. Pure but for nothing: no I/O, so tests check it directly.
public struct JobRenderer: Sendable {
    public let job: JobDefinition
    public let config: NodeConfig
    /// The job's directory on the VM (rendered files live here).
    public let jobDirectory: String
    /// Where the job keeps data: on the persistent disk when one is attached.
    public let dataDirectory: String

    public init(job: JobDefinition, config: NodeConfig, jobDirectory: String, dataDirectory: String) {
        self.job = job
        self.config = config
        self.jobDirectory = jobDirectory
        self.dataDirectory = dataDirectory
    }

    /// Instance name as peers know it: `GROUP-INDEX`.
    public static func memberName(group: String, index: Int) -> String { "\(group)-\(index)" }

    /// The instances of the node's own group, with their addresses.
    public var peers: [LinkedInstance] { config.links[config.identity.group] ?? [] }

    /// The template context. `extra` adds job-specific values (etcd's initial cluster).
    public func context(extra: [String: Any] = [:]) throws -> [String: Any] {
        let id = config.identity
        guard let address = id.address else { throw RenderError(message: "instance \(id.instanceID) has no address yet") }
        var properties = Self.plain(config.properties) as? [String: Any] ?? [:]
        for (path, rule) in (job.properties ?? [:]).sorted(by: { $0.key < $1.key }) {
            let keys = path.split(separator: ".").map(String.init)
            if Self.lookup(properties, keys) == nil {
                if let value = rule.default {
                    properties = Self.setting(properties, keys, value.rendered)
                } else if rule.required == true {
                    throw RenderError(message: "job \(job.name) needs property '\(path)' (group \(id.group)'s properties)")
                }
            }
        }
        let peerList: [[String: Any]] = peers.enumerated().map { n, peer in
            [
                "name": Self.memberName(group: id.group, index: peer.index), "index": peer.index, "az": peer.az,
                "address": peer.address ?? "", "first": n == 0,
            ]
        }
        var context: [String: Any] = [
            "name": Self.memberName(group: id.group, index: id.index), "index": id.index, "cluster": id.cluster,
            "group": id.group, "az": id.az, "instance_id": id.instanceID, "address": address,
            "job_dir": jobDirectory, "data_dir": dataDirectory, "p": properties, "peers": peerList,
        ]
        for (k, v) in extra { context[k] = v }
        return context
    }

    /// The files to write, relative path → (content, secret).
    public func files(_ context: [String: Any]) throws -> [(path: String, content: String, secret: Bool)] {
        try (job.files ?? []).map { file in
            (file.path, try Self.render(file.content, context), file.secret ?? false)
        }
    }

    /// The argv to exec.
    public func command(_ context: [String: Any]) throws -> [String] {
        try job.command.map { try Self.render($0, context) }
    }

    static func render(_ template: String, _ context: [String: Any]) throws -> String {
        do {
            // TEXT: values are written as they are (no HTML escaping of certificates).
            return try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT }}" + template).render(context)
        } catch {
            throw RenderError(message: "template '\(template)': \(error)")
        }
    }

    static func plain(_ value: JSONValue) -> Any {
        switch value {
        case .null: return ""
        case .bool(let b): return b
        case .int(let i): return i
        case .double(let d): return d
        case .string(let s): return s
        case .array(let a): return a.map(plain)
        case .object(let o): return o.mapValues(plain)
        }
    }

    static func lookup(_ object: [String: Any], _ keys: [String]) -> Any? {
        var current: Any = object
        for key in keys {
            guard let map = current as? [String: Any], let next = map[key] else { return nil }
            current = next
        }
        return current
    }

    static func setting(_ object: [String: Any], _ keys: [String], _ value: Any) -> [String: Any] {
        guard let first = keys.first else { return object }
        var copy = object
        if keys.count == 1 {
            copy[first] = value
        } else {
            copy[first] = setting(object[first] as? [String: Any] ?? [:], Array(keys.dropFirst()), value)
        }
        return copy
    }

    public struct RenderError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }
}
