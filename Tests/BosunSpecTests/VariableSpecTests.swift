import BosunModel
import BosunSpec
import Foundation
import Testing

/// `variables:` and `((references))`: accepted forms, and each bad form rejected with exactly
/// this first problem.
@Suite struct VariableSpecTests {
    static let base = """
        name: demo
        provider: sim
        image: img-1
        kubernetes: { version: "1.31.2" }
        variables:
          - { name: admin-password, type: password }
          - name: ca
            type: certificate
            options: { is_ca: true, common_name: root }
          - name: tls-etcd
            type: certificate
            options: { ca: ca, alternative_names: ["*.etcd.internal", 10.0.0.1], extended_key_usage: [client_auth, server_auth] }
          - { name: sa-key, type: rsa }
        groups:
          - name: master
            instances: 1
            azs: [z1]
            vmType: small
            jobs: [etcd]
            properties:
              etcd: { tls: ((tls-etcd)), password: ((admin-password)), ca: ((tls-etcd.ca)) }

        """

    static func r(_ old: String, _ new: String) -> String { Fixtures.replacing(old, with: new, in: base) }

    struct Case: CustomTestStringConvertible, Sendable {
        let label: String
        let yaml: String
        let error: String
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "unknown variable type", yaml: r("type: password", "type: passwrd"),
             error: "c.yaml:6:35: variables[0].type: must be 'password', 'certificate', 'rsa' or 'ssh', got 'passwrd'"),
        Case(label: "bad variable name", yaml: r("name: admin-password", "name: admin password"),
             error: "c.yaml:6:13: variables[0].name: must be 1 to 128 characters of letters, digits, '-' and '_', starting with a letter or digit, got 'admin password'"),
        Case(label: "duplicate variable", yaml: r("name: sa-key", "name: ca"),
             error: "c.yaml:13:5: variables[3].name: duplicate variable name 'ca' (also variables[1])"),
        Case(label: "missing type", yaml: r("{ name: sa-key, type: rsa }", "{ name: sa-key }"),
             error: "c.yaml:13:5: variables[3].type: required field is missing"),
        Case(label: "unknown variable key", yaml: r("type: rsa }", "type: rsa, opts: {} }"),
             error: "c.yaml:13:32: variables[3].opts: unknown field; allowed here: name, type, options"),
        Case(label: "options on a password", yaml: r("type: password }", "type: password, options: {} }"),
             error: "c.yaml:6:45: variables[0].options: options apply only to certificate variables, not to type 'password'"),
        Case(label: "certificate without options", yaml: r("    options: { ca: ca, alternative_names", "    option: { ca: ca, alternative_names"),
             error: "c.yaml:12:5: variables[2].option: unknown field; did you mean 'options'?"),
        Case(label: "unknown certificate option", yaml: r("is_ca: true, common_name: root", "is_ca: true, commonName: root"),
             error: "c.yaml:9:29: variables[1].options.commonName: unknown field; did you mean 'common_name'?"),
        Case(label: "leaf without ca", yaml: r("{ ca: ca, alternative_names", "{ alternative_names"),
             error: "c.yaml:12:14: variables[2].options: a certificate that is not a CA needs 'ca' (the CA variable that signs it)"),
        Case(label: "undefined ca", yaml: r("{ ca: ca, alternative", "{ ca: cax, alternative"),
             error: "c.yaml:12:20: variables[2].options.ca: undefined CA 'cax'; did you mean 'ca'?"),
        Case(label: "ca that is not a CA", yaml: r("{ ca: ca, alternative", "{ ca: admin-password, alternative"),
             error: "c.yaml:12:20: variables[2].options.ca: 'admin-password' is not a CA: it is a password"),
        Case(label: "ca that is a leaf certificate", yaml: r("is_ca: true, common_name: root", "ca: tls-etcd, common_name: root"),
             error: "c.yaml:9:20: variables[1].options.ca: 'tls-etcd' is not a CA: it is a certificate without 'is_ca: true'"),
        Case(label: "CA cycle", yaml: r("is_ca: true, common_name: root", "is_ca: true, ca: ca2 }\n  - name: ca2\n    type: certificate\n    options: { is_ca: true, ca: ca"),
             error: "c.yaml:9:33: variables[1].options.ca: CA chain forms a cycle: ca -> ca2 -> ca"),
        Case(label: "self-signed loop through itself is fine but via a leaf is not", yaml: r("{ ca: ca, alternative", "{ ca: tls-etcd, is_ca: true, alternative"),
             error: "c.yaml:12:20: variables[2].options.ca: CA chain forms a cycle: tls-etcd -> tls-etcd"),
        Case(label: "bad extended key usage", yaml: r("[client_auth, server_auth]", "[client_auth, code_signing]"),
             error: "c.yaml:12:108: variables[2].options.extended_key_usage[1]: must be 'client_auth' or 'server_auth', got 'code_signing'"),
        Case(label: "bad key usage", yaml: r("is_ca: true, common_name: root", "is_ca: true, key_usage: [sign]"),
             error: "c.yaml:9:41: variables[1].options.key_usage[0]: must be 'digital_signature', 'non_repudiation', 'key_encipherment', 'data_encipherment', 'key_agreement', 'key_cert_sign', 'crl_sign', 'encipher_only' or 'decipher_only', got 'sign'"),
        Case(label: "duration as a string", yaml: r("is_ca: true, common_name: root", "is_ca: true, duration: \"30d\""),
             error: "c.yaml:9:39: variables[1].options.duration: expected an integer from 1 to 36500, got the string '30d'"),
        Case(label: "duration zero", yaml: r("is_ca: true, common_name: root", "is_ca: true, duration: 0"),
             error: "c.yaml:9:39: variables[1].options.duration: must be from 1 to 36500, got 0"),
        Case(label: "bad alternative name", yaml: r("10.0.0.1]", "\"a b\"]"),
             error: "c.yaml:12:63: variables[2].options.alternative_names[1]: must be a DNS name (letters, digits, '-', '.', a leading '*.') or an IP address, 1 to 253 characters, got 'a b'"),
        Case(label: "is_ca not a boolean", yaml: r("is_ca: true, common_name", "is_ca: yes please, common_name"),
             error: "c.yaml:9:23: variables[1].options.is_ca: expected true or false, got the string 'yes please'"),
        Case(label: "empty variables", yaml: "name: demo\nprovider: sim\nimage: img-1\nkubernetes: { version: \"1.31.2\" }\nvariables: []\ngroups: [{ name: w, instances: 1, azs: [z1], vmType: small, jobs: [kubelet] }]\n",
             error: "c.yaml:5:12: variables: must list at least one entry"),
        Case(label: "undefined reference", yaml: r("password: ((admin-password))", "password: ((admin-pasword))"),
             error: "c.yaml:21:44: groups[0].properties.etcd.password: undefined variable 'admin-pasword' in ((admin-pasword)); did you mean 'admin-password'?"),
        Case(label: "reference without variables", yaml: Fixtures.minimal + "    properties: { a: ((pw)) }\n",
             error: "c.yaml:11:22: groups[0].properties.a: undefined variable 'pw' in ((pw)); the spec declares no variables"),
        Case(label: "unknown key", yaml: r("ca: ((tls-etcd.ca))", "ca: ((tls-etcd.cert))"),
             error: "c.yaml:21:68: groups[0].properties.etcd.ca: a certificate has no key 'cert' in ((tls-etcd.cert)); keys: certificate, private_key, ca"),
        Case(label: "key of a password", yaml: r("password: ((admin-password))", "password: ((admin-password.value))"),
             error: "c.yaml:21:44: groups[0].properties.etcd.password: a password has no key 'value' in ((admin-password.value)); keys: password"),
        Case(label: "certificate inside a string", yaml: r("tls: ((tls-etcd))", "tls: \"cert=((tls-etcd))\""),
             error: "c.yaml:21:20: groups[0].properties.etcd.tls: ((tls-etcd)) is a certificate, a mapping: only a whole value can be one; inside a longer string use a key such as ((tls-etcd.certificate))"),
        Case(label: "malformed reference", yaml: r("password: ((admin-password))", "password: ((admin password))"),
             error: "c.yaml:21:44: groups[0].properties.etcd.password: malformed reference '((admin password))': write ((name)) or ((name.key))"),
        Case(label: "deep reference in a list", yaml: r("ca: ((tls-etcd.ca)) }", "ca: ((tls-etcd.ca)), users: [{ pw: ((nope)) }] }"),
             error: "c.yaml:21:99: groups[0].properties.etcd.users[0].pw: undefined variable 'nope' in ((nope))"),
    ]

    @Test(arguments: cases)
    func rejectedWithExactError(_ c: Case) {
        Fixtures.expectRejected(c.yaml, firstIssue: c.error, c.label)
    }

    @Test func aTypoOfOptionsExplainsTheMissingOptionsRightAfterIt() {
        let yaml = Self.r("    options: { ca: ca, alternative_names", "    option: { ca: ca, alternative_names")
        guard case .failure(let rejection) = Fixtures.decode(yaml) else {
            Issue.record("accepted")
            return
        }
        #expect(rejection.issues.map(\.description) == [
            "c.yaml:12:5: variables[2].option: unknown field; did you mean 'options'?",
            "c.yaml:12:5: variables[2].options: required for a certificate (at least 'is_ca: true' or a 'ca') (is 'option' meant to be it?)",
        ])
    }

    @Test func baseIsAcceptedWithDefaults() throws {
        let spec = try Fixtures.decode(Self.base).get()
        let variables = try #require(spec.variables)
        #expect(variables.map(\.name) == ["admin-password", "ca", "tls-etcd", "sa-key"])
        let ca = try #require(variables[1].certificate)
        #expect(ca.isCA && ca.ca == nil && ca.commonName == "root" && ca.durationDays == 365 && ca.keyType == .ecdsa)
        let leaf = try #require(variables[2].certificate)
        #expect(leaf.commonName == "tls-etcd" && leaf.ca == "ca" && leaf.alternativeNames == ["*.etcd.internal", "10.0.0.1"])
        #expect(leaf.extendedKeyUsage == [.clientAuth, .serverAuth] && leaf.keyUsage.isEmpty)
        #expect(variables[3].certificate == nil)
    }

    @Test func referencesAreKeptVerbatimInProperties() throws {
        let spec = try Fixtures.decode(Self.r("password: ((admin-password))", "password: \"admin:((admin-password))@x\"")).get()
        guard case .object(let props) = spec.groups[0].properties, case .object(let etcd)? = props["etcd"] else {
            Issue.record("properties not an object")
            return
        }
        #expect(etcd["tls"] == .string("((tls-etcd))"))
        #expect(etcd["password"] == .string("admin:((admin-password))@x"))
    }

    @Test func specsWithoutVariablesKeepTheirCanonicalHash() throws {
        let spec = try Fixtures.decode(Fixtures.minimal).get()
        #expect(spec.variables == nil)
        #expect(!(try CanonicalSpec(spec)).json.contains("variables"))
    }

    @Test func cfcrSpecValidates() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("specs/cfcr.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let spec = try Fixtures.decode(text, file: "cfcr.yaml").get()
        let variables = try #require(spec.variables)
        #expect(variables.filter { $0.type == .password }.count == 8)
        #expect(variables.filter { $0.certificate?.isCA == true }.map(\.name) == ["kubo_ca", "etcd_ca"])
        #expect(variables.filter { $0.certificate?.ca == "kubo_ca" }.count == 5)
        #expect(variables.filter { $0.certificate?.ca == "etcd_ca" }.count == 4)
        #expect(spec.groups.map(\.instances) == [3, 5])
    }

    @Test func unusedTextWithParenthesesIsNotAReference() throws {
        let spec = Self.r("password: ((admin-password))", "password: \"f((x) and (y))\"")
        // "((x) and (y))" holds parentheses inside: it is malformed, and said so.
        guard case .failure(let rejection) = Fixtures.decode(spec) else {
            Issue.record("accepted")
            return
        }
        #expect(rejection.issues.first?.message.hasPrefix("malformed reference") == true)
        #expect(throws: Never.self) { try Fixtures.decode(Self.r("password: ((admin-password))", "password: \"a (b) c ((\"")).get() }
    }
}

extension VariableSpecTests {
    @Test func aliasBombInPropertiesWithVariablesIsCutOffNotWalked() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, ((admin-password))]\n"
        for i in 1...8 {
            yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        yaml += Self.base.replacingOccurrences(of: "      etcd: { tls:", with: "      bomb: *a8\n      etcd: { tls:")
        guard case .failure(let rejection) = Fixtures.decode(yaml) else {
            Issue.record("alias bomb accepted")
            return
        }
        #expect(rejection.issues.contains { $0.message == "document too large or too deeply aliased (more than 100000 nodes)" })
    }
}
