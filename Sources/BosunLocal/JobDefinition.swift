import Foundation

/// One job of the catalog: how the local provider's agent runs it on a VM. Templates are
/// Mustache over the context of `JobContext` (`{{address}}`, `{{p.etcd.tls.ca}}`, …).
public struct JobDefinition: Sendable, Codable, Hashable {
    /// The name a spec's `jobs:` uses.
    public var name: String
    /// `etcd`: the agent manages etcd membership when a member starts with an empty data dir.
    public var membership: String?
    /// Properties the job reads, by dotted path: required, or a default.
    public var properties: [String: PropertyRule]?
    /// Files written into the job's directory before each start.
    public var files: [JobFile]?
    /// argv of the job, each element a template. It runs in the foreground under runit.
    public var command: [String]
    /// Plain-HTTP health endpoint on the VM's address: 200 means healthy.
    public var health: HealthCheck?
    /// What a load balancer in front of the job's group forwards to.
    public var loadBalancer: BalancedPort?
    /// What happens before the job is stopped.
    public var drain: Drain?

    public struct PropertyRule: Sendable, Codable, Hashable {
        public var required: Bool?
        public var `default`: PropertyDefault?
    }

    /// A default value: a string or a number, as written.
    public enum PropertyDefault: Sendable, Codable, Hashable {
        case string(String)
        case number(Double)

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let n = try? c.decode(Double.self) { self = .number(n) } else { self = .string(try c.decode(String.self)) }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .string(let s): try c.encode(s)
            case .number(let n): try c.encode(n)
            }
        }

        var rendered: String {
            switch self {
            case .string(let s): s
            case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
            }
        }
    }

    public struct JobFile: Sendable, Codable, Hashable {
        /// Relative to the job's directory; no `..`.
        public var path: String
        public var content: String
        /// Written with mode 0600 instead of 0644.
        public var secret: Bool?
    }

    public struct HealthCheck: Sendable, Codable, Hashable {
        public var port: Int
        public var path: String
    }

    public struct BalancedPort: Sendable, Codable, Hashable {
        public var port: Int
    }

    public struct Drain: Sendable, Codable, Hashable {
        /// The longest the member's open connections get to end once the load balancer
        /// sends it no new ones, e.g. `5s`; the member leaves as soon as none is open.
        public var grace: String?

        var graceSeconds: Double { parsedGrace ?? 0 }

        /// `grace` in seconds when it is `N ms` or `N s` within 0…300 s; nil otherwise (the
        /// catalog refuses such a definition: a typo must not silently mean "no drain").
        var parsedGrace: Double? {
            guard let grace else { return 0 }
            let seconds: Double? = if grace.hasSuffix("ms") { Double(grace.dropLast(2)).map { $0 / 1000 } }
                else if grace.hasSuffix("s") { Double(grace.dropLast()) } else { nil }
            guard let seconds, seconds.isFinite, (0...300).contains(seconds) else { return nil }
            return seconds
        }
    }

    /// What is wrong with the definition, or nil: checked when the catalog loads.
    var problem: String? {
        if name.isEmpty || name.count > 63 || !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            return "name '\(name)' must be 1 to 63 letters, digits, '-' or '_'"
        }
        if command.isEmpty { return "command is empty" }
        if let membership, membership != "etcd" { return "membership '\(membership)' is unknown (known: etcd)" }
        for file in files ?? [] where file.path.hasPrefix("/") || file.path.split(separator: "/").contains("..") || file.path.isEmpty {
            return "file path '\(file.path)' must stay inside the job's directory"
        }
        if let health, !(1...65535).contains(health.port) { return "health.port \(health.port) is not a port" }
        // It goes into an HTTP request line and haproxy's config: printable, no spaces.
        if let health, !health.path.hasPrefix("/") || !health.path.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) && $0 != "\"" }) {
            return "health.path must start with / and hold only printable characters, no spaces or quotes"
        }
        if let lb = loadBalancer, !(1...65535).contains(lb.port) { return "loadBalancer.port \(lb.port) is not a port" }
        if let drain, drain.parsedGrace == nil {
            return "drain.grace '\(drain.grace ?? "")' must be a duration of 0 to 300 s, such as 500ms or 5s"
        }
        return nil
    }
}
