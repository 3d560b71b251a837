import BosunModel

/// A plan as an operator reads it, Terraform-style: the spec changes before → after, one line
/// per instance with one symbol for what happens to it (`+` create, `~` update in place, `-/+`
/// replace, `-` destroy) and its steps under it, then a summary. `lines` is the text of
/// `bosun plan` without colour; the value itself is its `--json` form.
public struct PlanPresentation: Sendable, Encodable {
    public enum Change: String, Sendable, Encodable {
        case add = "+"
        case update = "~"
        case replace = "-/+"
        case destroy = "-"
    }

    public struct Step: Sendable, Encodable {
        public var id: Int
        public var kind: String
        public var summary: String
        public var dependsOn: [Int]
    }

    public struct Instance: Sendable, Encodable {
        public var instance: String
        public var change: Change
        public var reason: String
        public var canary: Bool
        public var steps: [Step]
    }

    public struct Summary: Sendable, Encodable, Equatable {
        public var add = 0
        public var change = 0
        public var replace = 0
        public var destroy = 0

        public init(add: Int = 0, change: Int = 0, replace: Int = 0, destroy: Int = 0) {
            self.add = add
            self.change = change
            self.replace = replace
            self.destroy = destroy
        }

        public static func + (a: Summary, b: Summary) -> Summary {
            Summary(add: a.add + b.add, change: a.change + b.change, replace: a.replace + b.replace, destroy: a.destroy + b.destroy)
        }

        /// "Plan: 2 to add, 1 to change, 0 to replace, 0 to destroy."
        public var text: String { "\(add) to add, \(change) to change, \(replace) to replace, \(destroy) to destroy" }
    }

    public var cluster: String
    public var changes: [SpecChange]
    public var instances: [Instance]
    public var summary: Summary
    public var findings: [Finding]
    public var deferred: [Deferral]
    /// The plan has nothing to do and nothing waits.
    public var converged: Bool

    /// `applied` is the spec the cluster last converged to (nil: never), `desired` the one the
    /// plan reaches for (nil: not known, then no changes are listed).
    public init(_ plan: Plan, applied: ClusterSpec?, desired: ClusterSpec?) {
        cluster = plan.cluster
        changes = desired.map { SpecDiff.changes(from: applied, to: $0) } ?? []
        var byInstance: [String: [PlannedAction]] = [:]
        for action in plan.actions { byInstance[action.instance ?? plan.cluster, default: []].append(action) }
        instances = plan.instances.map { name in
            let actions = byInstance[name] ?? []
            return Instance(
                instance: name, change: Self.change(of: actions), reason: actions.first?.reason ?? "",
                canary: actions.contains(where: \.canary),
                steps: actions.map { Step(id: $0.id, kind: $0.kind.name, summary: $0.kind.summary, dependsOn: $0.dependsOn) })
        }
        summary = instances.reduce(into: Summary()) { s, i in
            switch i.change {
            case .add: s.add += 1
            case .update: s.change += 1
            case .replace: s.replace += 1
            case .destroy: s.destroy += 1
            }
        }
        findings = plan.findings
        deferred = plan.deferred
        converged = plan.isConverged
    }

    /// One symbol per instance, from its steps: a new VM where none is deleted is an add, a
    /// deleted VM with a new one a replace, a deleted VM or a released instance alone a destroy,
    /// anything else (restarts, disk resize, load balancer membership) an update in place.
    public static func change(of actions: [PlannedAction]) -> Change {
        let kinds = actions.map(\.kind)
        let creates = kinds.contains { if case .createVM = $0 { true } else { false } }
        let deletes = kinds.contains { if case .deleteVM = $0 { true } else { false } }
        let releases = kinds.contains { if case .releaseInstance = $0 { true } else { false } }
        switch (creates, deletes || releases) {
        case (true, true): return .replace
        case (true, false): return .add
        case (false, true): return .destroy
        case (false, false): return .update
        }
    }

    /// The text of `bosun plan` for this cluster, without colour.
    public var lines: [String] {
        if converged { return ["\(cluster): no changes; the infrastructure matches the spec."] }
        var out: [String] = []
        if instances.isEmpty {
            out.append("\(cluster): nothing can run now; \(counted(deferred.count, "change")) wait")
        } else {
            out.append("\(cluster): \(counted(instances.count, "instance")), \(counted(instances.reduce(0) { $0 + $1.steps.count }, "step"))")
        }
        if !changes.isEmpty {
            out.append("  spec changes:")
            for change in changes {
                out.append("    " + Self.describe(change))
            }
        }
        for instance in instances {
            let canary = instance.canary ? " [canary]" : ""
            out.append("  \(instance.change.rawValue) \(instance.instance)\(canary): \(instance.reason)")
            for step in instance.steps {
                let after = step.dependsOn.isEmpty ? "" : "  (after #\(step.dependsOn.map(String.init).joined(separator: ",#")))"
                out.append("      #\(step.id) \(step.summary)\(after)")
            }
        }
        for finding in findings { out.append("  ! \(finding.kind.rawValue): \(finding.message)") }
        for wait in deferred { out.append("  … \(wait.instance): \(wait.reason)") }
        if !instances.isEmpty { out.append("  Plan: \(summary.text).") }
        return out
    }

    /// `path: before → after`, `path: added (after)`, `path: removed (was before)`.
    public static func describe(_ change: SpecChange) -> String {
        switch (change.before, change.after) {
        case (let a?, let b?): "~ \(change.path): \(a) → \(b)"
        case (nil, let b?): "+ \(change.path): \(b)"
        case (let a?, nil): "- \(change.path): \(a)"
        case (nil, nil): "~ \(change.path)"
        }
    }
}
