import BosunModel
import Yams

/// The field-by-field rules of `spec-format.md`, applied over a `NodeReader`.
struct ClusterReader {
    let r: NodeReader
    /// The job names `provider: local` clusters may use.
    var localJobs = LocalJobNames.current

    init(_ reader: NodeReader) { r = reader }

    static let topKeys = ["name", "provider", "region", "image", "kubernetes", "update", "healing", "deletion", "groups", "aws", "variables", "credentials"]
    static let groupKeys = ["name", "instances", "azs", "vmType", "disk", "loadBalancer", "jobs", "properties", "update"]
    static let updateKeys = ["canaries", "maxInFlight", "serial", "vmStrategy"]

    static let dnsRule = "must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit, 1 to 63 characters"
    static let idRule = "must be 1 to 128 characters of letters, digits and . _ : / -, starting with a letter or digit"

    func cluster(_ root: Node) -> ClusterSpec? {
        guard let f = r.mapping(root, "", allowed: Self.topKeys) else { return nil }
        let name = required(f, "name") { r.token($0, $1, rule: SpecRules.isDNSLabel, ruleText: Self.dnsRule) }
        let provider = required(f, "provider") { r.oneOf($0, $1, ProviderKind.self) }
        var region: String??  = .some(nil)
        if let node = f["region"] {
            region = r.token(node, f.path("region"), rule: { SpecRules.isIdentifier($0, max: 63) }, ruleText: Self.idRule).map { .some($0) }
        } else if provider == .aws {
            r.fail(root, "region", "required for provider 'aws'")
            region = nil
        }
        let image = required(f, "image") { r.token($0, $1, rule: { SpecRules.isIdentifier($0) }, ruleText: Self.idRule) }
        let kubernetes = required(f, "kubernetes") { kubernetesSpec($0, $1) }
        let update = optional(f, "update", default: UpdatePolicy.defaults) { updatePolicy($0, $1, base: .defaults) }
        let healing = optional(f, "healing", default: HealingPolicy.defaults) { healingPolicy($0, $1) }
        let deletion = optional(f, "deletion", default: DeletionPolicy.protect) { r.oneOf($0, $1, DeletionPolicy.self) }
        let groups = required(f, "groups") { node, path in
            self.groups(node, path, clusterUpdate: update ?? .defaults)
        }
        if provider == .local { localRules(f, region: region ?? nil, groups: groups, catalog: localJobs) }
        let aws: AWSClusterSettings?? = f["aws"].map { node in awsBlock(node, f.path("aws"), provider: provider, groups: groups) }
        // Variables and the references to them: an absent `variables:` is nil, so specs without
        // any keep their canonical form; references are checked against whatever was declared.
        let variables = optional(f, "variables", default: [VariableSpec]?.none) { node, path -> [VariableSpec]?? in
            VariablesReader(r: r).variables(node, path).map { .some($0) }
        }
        let credentials = optional(f, "credentials", default: CredentialPolicy?.none) { node, path -> CredentialPolicy?? in
            credentialPolicy(node, path).map { .some($0) }
        }
        if let node = f["credentials"], variables == .some(nil) {
            r.fail(node, "credentials", "applies to declared credentials; this spec has no variables:")
        }
        // A certificate valid for no longer than the notice would be expiring from birth (and,
        // with autoRotate, rotated on every pass).
        if let policy = credentials ?? nil, let declared = variables ?? nil, let node = f["credentials"] {
            for v in declared {
                guard let days = v.certificate?.durationDays, days * 86_400 <= policy.rotateBeforeSeconds else { continue }
                r.fail(node, "credentials.rotateBefore", "must be shorter than every certificate's duration; \(v.name) lasts \(days)d")
                break
            }
        }
        // Only over groups that were read whole: their walk stayed within the node budget, so
        // this second walk is bounded too (an alias bomb never reaches it).
        var referencesOK = true
        if let declared = variables, groups != nil, !r.exhausted, let groupsNode = f["groups"] {
            referencesOK = ReferenceChecker(r, variables: declared ?? []).check(groupsNode: groupsNode, path: f.path("groups"))
        }
        guard let name, let provider, let region, let image, let kubernetes, let update, let healing,
            let deletion, let groups, aws != .some(nil), let variables, referencesOK, let credentials
        else { return nil }
        return ClusterSpec(
            name: name, provider: provider, region: region, image: image, kubernetes: kubernetes,
            update: update, healing: healing, deletion: deletion, groups: groups, aws: aws ?? nil, variables: variables,
            credentials: credentials)
    }

    func credentialPolicy(_ node: Node, _ path: String) -> CredentialPolicy? {
        guard let f = r.mapping(node, path, allowed: ["rotateBefore", "autoRotate"]) else { return nil }
        let autoRotate = optional(f, "autoRotate", default: false) { r.bool($0, $1) }
        let before = optional(f, "rotateBefore", default: CredentialPolicy.defaults.rotateBeforeSeconds) { node, path -> Int? in
            if case .scalar(let scalar) = node, NodeReader.tag(node) == Tag.Name.int.rawValue {
                r.fail(node, path, "expected a duration from 1h to 3650d such as 30d or 72h, got the integer \(scalar.string) (add a unit: \(scalar.string)d)")
                return nil
            }
            guard let text = r.string(node, path) else { return nil }
            guard let seconds = Self.longSeconds(text), (3600...3650 * 86_400).contains(seconds) else {
                r.fail(node, path, "expected a duration from 1h to 3650d such as 30d or 72h, got \(SpecExcerpt.key(text))")
                return nil
            }
            return seconds
        }
        guard let autoRotate, let before else { return nil }
        return CredentialPolicy(rotateBeforeSeconds: before, autoRotate: autoRotate)
    }

    /// `72h` or `30d` in whole seconds; nil if it is not such a duration.
    static func longSeconds(_ text: String) -> Int? {
        let units: [(String, Int)] = [("h", 3600), ("d", 86_400)]
        guard let (suffix, scale) = units.first(where: { text.hasSuffix($0.0) }), let value = Int(text.dropLast(suffix.count)),
            value >= 0, value <= 1_000_000
        else { return nil }
        return value * scale
    }

    // MARK: - Sections

    func kubernetesSpec(_ node: Node, _ path: String) -> KubernetesSpec? {
        guard let f = r.mapping(node, path, allowed: ["version"]) else { return nil }
        let version = required(f, "version") {
            r.token($0, $1, rule: SpecRules.isVersion, ruleText: "must be a version MAJOR.MINOR.PATCH such as \"1.31.2\"")
        }
        return version.map(KubernetesSpec.init(version:))
    }

    /// An `update` block; absent keys keep `base` (the defaults, or the cluster's for a group).
    func updatePolicy(_ node: Node, _ path: String, base: UpdatePolicy) -> UpdatePolicy? {
        guard let f = r.mapping(node, path, allowed: Self.updateKeys) else { return nil }
        let canaries = optional(f, "canaries", default: base.canaries) { quantity($0, $1, minimum: 0) }
        let maxInFlight = optional(f, "maxInFlight", default: base.maxInFlight) { quantity($0, $1, minimum: 1) }
        let serial = optional(f, "serial", default: base.serial) { r.bool($0, $1) }
        let strategy = optional(f, "vmStrategy", default: base.vmStrategy) { r.oneOf($0, $1, VMStrategy.self) }
        guard let canaries, let maxInFlight, let serial, let strategy else { return nil }
        return UpdatePolicy(canaries: canaries, maxInFlight: maxInFlight, serial: serial, vmStrategy: strategy)
    }

    func quantity(_ node: Node, _ path: String, minimum: Int) -> Quantity? {
        let rangeText = "an integer from \(minimum) to \(SpecRules.maxInstancesPerGroup) or a percentage \"\(minimum)%\" to \"100%\""
        guard case .scalar(let scalar) = node else {
            r.fail(node, path, "expected \(rangeText), got \(r.describe(node))")
            return nil
        }
        if NodeReader.tag(.scalar(scalar)) == Tag.Name.int.rawValue {
            return r.int(node, path, range: minimum...SpecRules.maxInstancesPerGroup).map(Quantity.count)
        }
        let text = scalar.string
        if NodeReader.tag(.scalar(scalar)) == Tag.Name.str.rawValue, text.hasSuffix("%") {
            let digits = text.dropLast()
            if !digits.isEmpty, digits.count <= 4, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let p = Int(digits) {
                if (minimum...100).contains(p) { return .percent(p) }
                r.fail(node, path, "percentage must be from \(minimum)% to 100%, got \(NodeReader.quote(text))")
                return nil
            }
        }
        r.fail(node, path, "expected \(rangeText), got \(r.describe(node))")
        return nil
    }

    func healingPolicy(_ node: Node, _ path: String) -> HealingPolicy? {
        guard let f = r.mapping(node, path, allowed: ["enabled", "meltdown", "agentTimeout", "deleteRogue"]) else { return nil }
        let enabled = optional(f, "enabled", default: true) { r.bool($0, $1) }
        let deleteRogue = optional(f, "deleteRogue", default: false) { r.bool($0, $1) }
        let agentTimeout = optional(f, "agentTimeout", default: HealingPolicy.defaults.agentTimeoutSeconds) { node, path -> Int? in
            guard let text = r.string(node, path) else { return nil }
            guard let seconds = Self.seconds(text), (5...3600).contains(seconds) else {
                r.fail(node, path, "expected a duration from 5s to 1h such as 60s or 2m, got \(SpecExcerpt.key(text))")
                return nil
            }
            return seconds
        }
        let meltdown = optional(f, "meltdown", default: MeltdownPolicy.defaults) { node, path -> MeltdownPolicy? in
            guard let m = r.mapping(node, path, allowed: ["minDown", "percent"]) else { return nil }
            let minDown = optional(m, "minDown", default: MeltdownPolicy.defaults.minDown) {
                r.int($0, $1, range: 1...100_000)
            }
            let percent = optional(m, "percent", default: MeltdownPolicy.defaults.percent) {
                r.int($0, $1, range: 0...100)
            }
            guard let minDown, let percent else { return nil }
            return MeltdownPolicy(minDown: minDown, percent: percent)
        }
        guard let enabled, let meltdown, let agentTimeout, let deleteRogue else { return nil }
        return HealingPolicy(enabled: enabled, meltdown: meltdown, agentTimeoutSeconds: agentTimeout, deleteRogue: deleteRogue)
    }

    /// `90s`, `2m` or `1h` in whole seconds; nil if it is not such a duration.
    static func seconds(_ text: String) -> Int? {
        let units: [(String, Int)] = [("s", 1), ("m", 60), ("h", 3600)]
        guard let (suffix, scale) = units.first(where: { text.hasSuffix($0.0) }), let value = Int(text.dropLast(suffix.count)),
            value >= 0, value <= 1_000_000
        else { return nil }
        return value * scale
    }

    func groups(_ node: Node, _ path: String, clusterUpdate: UpdatePolicy) -> [GroupSpec]? {
        guard let items = r.sequence(node, path, min: 1, max: SpecRules.maxGroups) else { return nil }
        var seen: [String: Int] = [:]
        var out: [GroupSpec] = []
        var ok = true
        for (i, item) in items.enumerated() {
            let groupPath = "\(path)[\(i)]"
            guard let group = self.group(item, groupPath, clusterUpdate: clusterUpdate) else {
                ok = false
                continue
            }
            if let first = seen[group.name] {
                r.fail(item, "\(groupPath).name", "duplicate group name '\(group.name)' (also \(path)[\(first)])")
                ok = false
                continue
            }
            seen[group.name] = i
            out.append(group)
        }
        return ok ? out : nil
    }

    func group(_ node: Node, _ path: String, clusterUpdate: UpdatePolicy) -> GroupSpec? {
        guard let f = r.mapping(node, path, allowed: Self.groupKeys) else { return nil }
        let name = required(f, "name") { r.token($0, $1, rule: SpecRules.isDNSLabel, ruleText: Self.dnsRule) }
        let instances = required(f, "instances") { r.int($0, $1, range: 0...SpecRules.maxInstancesPerGroup) }
        let azs = required(f, "azs") { uniqueList($0, $1, max: SpecRules.maxAZs, what: "availability zone") {
            r.token($0, $1, rule: { SpecRules.isIdentifier($0, max: 63) }, ruleText: Self.idRule)
        } }
        let vmType = required(f, "vmType") { r.token($0, $1, rule: { SpecRules.isIdentifier($0, max: 64) }, ruleText: Self.idRule) }
        let disk = optional(f, "disk", default: DiskSpec?.none) { node, path -> DiskSpec?? in
            diskSpec(node, path).map { .some($0) }
        }
        let lb = optional(f, "loadBalancer", default: String?.none) { node, path -> String?? in
            r.token(node, path, rule: SpecRules.isDNSLabel, ruleText: Self.dnsRule).map { .some($0) }
        }
        let jobs = required(f, "jobs") { uniqueList($0, $1, max: SpecRules.maxJobs, what: "job") {
            r.token($0, $1, rule: SpecRules.isDNSLabel, ruleText: Self.dnsRule)
        } }
        let properties = optional(f, "properties", default: JSONValue.emptyObject) { node, path -> JSONValue? in
            guard case .mapping = node else {
                r.fail(node, path, "expected a mapping, got \(r.describe(node))")
                return nil
            }
            return r.json(node, path)
        }
        let update = optional(f, "update", default: clusterUpdate) { updatePolicy($0, $1, base: clusterUpdate) }
        guard let name, let instances, let azs, let vmType, let disk, let lb, let jobs, let properties, let update
        else { return nil }
        return GroupSpec(
            name: name, instances: instances, azs: azs, vmType: vmType, disk: disk, loadBalancer: lb,
            jobs: jobs, properties: properties, update: update)
    }

    func diskSpec(_ node: Node, _ path: String) -> DiskSpec? {
        guard let f = r.mapping(node, path, allowed: ["size", "type"]) else { return nil }
        let size = required(f, "size") { node, path -> Int? in
            guard let text = r.string(node, path) else { return nil }
            switch SizeParser.mebibytes(text) {
            case .success(let mib): return mib
            case .failure(let e):
                r.fail(node, path, "\(e.message), got \(NodeReader.quote(text))")
                return nil
            }
        }
        let type = optional(f, "type", default: String?.none) { node, path -> String?? in
            r.token(node, path, rule: { SpecRules.isIdentifier($0, max: 64) }, ruleText: Self.idRule).map { .some($0) }
        }
        guard let size, let type else { return nil }
        return DiskSpec(sizeMiB: size, type: type)
    }

    func uniqueList(
        _ node: Node, _ path: String, max: Int, what: String, item: (Node, String) -> String?
    ) -> [String]? {
        guard let items = r.sequence(node, path, min: 1, max: max) else { return nil }
        var out: [String] = []
        var ok = true
        for (i, child) in items.enumerated() {
            guard let value = item(child, "\(path)[\(i)]") else {
                ok = false
                continue
            }
            if out.contains(value) {
                r.fail(child, "\(path)[\(i)]", "duplicate \(what) '\(value)'")
                ok = false
                continue
            }
            out.append(value)
        }
        return ok ? out : nil
    }

    // MARK: - Presence

    private func required<T>(_ f: Fields, _ key: String, _ read: (Node, String) -> T?) -> T? {
        guard let node = f[key] else {
            // After a typo of this very key, point at the typo: the unknown-field issue (with
            // its suggestion) comes first and this one right after it, not lines above it.
            if let typo = f.suggested[key], case .scalar(let written) = typo {
                r.fail(typo, f.path(key), "required field is missing (is \(NodeReader.quote(written.string)) meant to be it?)")
            } else {
                r.fail(f.node, f.path(key), "required field is missing")
            }
            return nil
        }
        return read(node, f.path(key))
    }

    private func optional<T>(_ f: Fields, _ key: String, default value: T, _ read: (Node, String) -> T?) -> T? {
        guard let node = f[key] else { return value }
        return read(node, f.path(key))
    }
}
