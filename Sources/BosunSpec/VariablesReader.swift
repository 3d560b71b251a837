import BosunModel
import Yams

/// Reads a cluster's `variables:` list (BOSH manifest syntax) and checks the CA graph: every
/// `ca` names a declared certificate with `is_ca: true`, and no chain of `ca`s loops.
struct VariablesReader {
    let r: NodeReader

    static let variableKeys = ["name", "type", "options"]
    static let certificateKeys = [
        "is_ca", "ca", "common_name", "organization", "alternative_names", "extended_key_usage", "key_usage",
        "duration", "key_type",
    ]
    static let maxVariables = 1000
    static let nameRule = "must be 1 to 128 characters of letters, digits, '-' and '_', starting with a letter or digit"
    static let sanRule = "must be a DNS name (letters, digits, '-', '.', a leading '*.') or an IP address, 1 to 253 characters"
    static let textRule = "must be 1 to 64 printable characters"

    /// `[A-Za-z0-9][A-Za-z0-9_-]{0,127}`: the names `((name))` references can use.
    static func isVariableName(_ s: some StringProtocol) -> Bool {
        let u = Array(s.utf8)
        guard (1...128).contains(u.count), isAlnum(u[0]) else { return false }
        return u.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    static func isAlternativeName(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard (1...253).contains(u.count) else { return false }
        var body = u[...]
        if u.starts(with: Array("*.".utf8)) { body = u.dropFirst(2) }
        return !body.isEmpty && body.allSatisfy { isAlnum($0) || ".-:".utf8.contains($0) }
    }

    static func isPrintableText(_ s: String) -> Bool {
        (1...64).contains(s.unicodeScalars.count) && s.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7f }
    }

    private static func isAlnum(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }

    /// The validated list, or nil after recording every problem found.
    func variables(_ node: Node, _ path: String) -> [VariableSpec]? {
        guard let items = r.sequence(node, path, min: 1, max: Self.maxVariables) else { return nil }
        var out: [VariableSpec] = []
        var nodes: [String: (index: Int, node: Node)] = [:]
        var ok = true
        for (i, item) in items.enumerated() {
            let itemPath = "\(path)[\(i)]"
            guard let variable = self.variable(item, itemPath) else {
                ok = false
                continue
            }
            if let first = nodes[variable.name] {
                r.fail(item, "\(itemPath).name", "duplicate variable name '\(variable.name)' (also \(path)[\(first.index)])")
                ok = false
                continue
            }
            nodes[variable.name] = (i, item)
            out.append(variable)
        }
        guard ok else { return nil }
        return checkCAs(out, nodes: nodes, path: path) ? out : nil
    }

    func variable(_ node: Node, _ path: String) -> VariableSpec? {
        guard let f = r.mapping(node, path, allowed: Self.variableKeys) else { return nil }
        let name: String? = f["name"].flatMap { r.token($0, f.path("name"), rule: { Self.isVariableName($0) }, ruleText: Self.nameRule) }
        if f["name"] == nil { missing(f, "name", "required field is missing") }
        let type: VariableType? = f["type"].flatMap { r.oneOf($0, f.path("type"), VariableType.self) }
        if f["type"] == nil { missing(f, "type", "required field is missing") }
        guard let name, let type else { return nil }
        guard type == .certificate else {
            if let options = f.entries["options"] {
                r.fail(options.key, f.path("options"), "options apply only to certificate variables, not to type '\(type.rawValue)'")
                return nil
            }
            return VariableSpec(name: name, type: type)
        }
        guard let optionsNode = f["options"] else {
            missing(f, "options", "required for a certificate (at least 'is_ca: true' or a 'ca')")
            return nil
        }
        return certificateOptions(optionsNode, f.path("options"), name: name).map {
            VariableSpec(name: name, type: type, certificate: $0)
        }
    }

    /// A missing field, reported at the unknown key taken for a typo of it when there is one
    /// (as `ClusterReader` does), so the two problems read together.
    private func missing(_ f: Fields, _ key: String, _ message: String) {
        if let typo = f.suggested[key], case .scalar(let written) = typo {
            r.fail(typo, f.path(key), "\(message) (is \(NodeReader.quote(written.string)) meant to be it?)")
        } else {
            r.fail(f.node, f.path(key), message)
        }
    }

    func certificateOptions(_ node: Node, _ path: String, name: String) -> CertificateOptions? {
        guard let f = r.mapping(node, path, allowed: Self.certificateKeys) else { return nil }
        var ok = true
        func read<T>(_ key: String, _ fallback: T, _ reader: (Node, String) -> T?) -> T {
            guard let child = f[key] else { return fallback }
            guard let value = reader(child, f.path(key)) else {
                ok = false
                return fallback
            }
            return value
        }
        let isCA = read("is_ca", false) { r.bool($0, $1) }
        let ca: String? = read("ca", nil) { node, path -> String?? in
            r.token(node, path, rule: { Self.isVariableName($0) }, ruleText: Self.nameRule).map { .some($0) }
        }
        let commonName = read("common_name", name) { r.token($0, $1, rule: Self.isPrintableText, ruleText: Self.textRule) }
        let organization: String? = read("organization", nil) { node, path -> String?? in
            r.token(node, path, rule: Self.isPrintableText, ruleText: Self.textRule).map { .some($0) }
        }
        let sans = read("alternative_names", []) { node, path in
            ClusterReader(r).uniqueList(node, path, max: 100, what: "alternative name") {
                r.token($0, $1, rule: Self.isAlternativeName, ruleText: Self.sanRule)
            }
        }
        let eku = read("extended_key_usage", []) { enumList($0, $1, CertificateOptions.ExtendedKeyUsage.self) }
        let keyUsage = read("key_usage", []) { enumList($0, $1, CertificateOptions.KeyUsage.self) }
        let duration = read("duration", 365) { r.int($0, $1, range: 1...36500) }
        let keyType = read("key_type", CertificateOptions.KeyType.ecdsa) { r.oneOf($0, $1, CertificateOptions.KeyType.self) }
        guard ok else { return nil }
        if !isCA, ca == nil {
            r.fail(node, path, "a certificate that is not a CA needs 'ca' (the CA variable that signs it)")
            return nil
        }
        return CertificateOptions(
            isCA: isCA, ca: ca, commonName: commonName, organization: organization, alternativeNames: sans,
            extendedKeyUsage: eku, keyUsage: keyUsage, durationDays: duration, keyType: keyType)
    }

    func enumList<E: RawRepresentable & CaseIterable & Equatable>(_ node: Node, _ path: String, _: E.Type) -> [E]?
    where E.RawValue == String {
        guard let items = r.sequence(node, path, min: 1, max: E.allCases.count) else { return nil }
        var out: [E] = []
        for (i, item) in items.enumerated() {
            guard let value = r.oneOf(item, "\(path)[\(i)]", E.self) else { return nil }
            guard !out.contains(value) else {
                r.fail(item, "\(path)[\(i)]", "duplicate '\(value.rawValue)'")
                return nil
            }
            out.append(value)
        }
        return out
    }

    /// Every `ca` names a declared CA certificate, and following `ca`s never comes back around.
    func checkCAs(_ variables: [VariableSpec], nodes: [String: (index: Int, node: Node)], path: String) -> Bool {
        let byName = Dictionary(uniqueKeysWithValues: variables.map { ($0.name, $0) })
        var ok = true
        for variable in variables {
            guard let ca = variable.certificate?.ca, let entry = nodes[variable.name] else { continue }
            let caPath = "\(path)[\(entry.index)].options.ca"
            let caNode = Self.optionNode(entry.node, "ca")
            guard let target = byName[ca] else {
                var message = "undefined CA '\(ca)'"
                let cas = variables.filter { $0.certificate?.isCA == true }.map(\.name)
                if let guess = NodeReader.closest(to: ca, in: cas) { message += "; did you mean '\(guess)'?" }
                r.fail(caNode, caPath, message)
                ok = false
                continue
            }
            guard let options = target.certificate, options.isCA else {
                let what = target.type == .certificate ? "a certificate without 'is_ca: true'" : "a \(target.type.rawValue)"
                r.fail(caNode, caPath, "'\(ca)' is not a CA: it is \(what)")
                ok = false
                continue
            }
            var chain = [variable.name]
            var current: String? = ca
            while let next = current {
                if let start = chain.firstIndex(of: next) {
                    if start == 0 {
                        let loop = (chain + [next]).joined(separator: " -> ")
                        r.fail(caNode, caPath, "CA chain forms a cycle: \(loop)")
                        ok = false
                    }
                    break
                }
                chain.append(next)
                current = byName[next]?.certificate?.ca
            }
        }
        return ok
    }

    static func optionNode(_ variable: Node, _ key: String) -> Node? {
        guard let options = variable.mapping?["options"] else { return nil }
        return options.mapping?[key] ?? options
    }
}
