import BosunModel
import BosunSpec
import Foundation
import Testing

/// Table of bad spec content: each case must be rejected with exactly this first problem
/// (`file:line:column: field.path: message`).
@Suite struct BadSpecTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let label: String
        let yaml: String
        let error: String
        var testDescription: String { label }
    }

    static let m = Fixtures.minimal
    static func r(_ old: String, _ new: String) -> String { Fixtures.replacing(old, with: new) }
    static let dnsRule = "must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit, 1 to 63 characters"

    static let cases: [Case] = [
        Case(label: "malformed YAML", yaml: "name: demo\ngroups: [a, b\n",
             error: "c.yaml:3:1: (yaml): invalid YAML: while parsing a flow sequence (line 2, column 9): did not find expected ',' or ']'"),
        Case(label: "tab indentation", yaml: "name: demo\n\tprovider: sim\n",
             error: "c.yaml:2:1: (yaml): invalid YAML: while scanning a plain scalar (line 1, column 7): found a tab character that violates indentation"),
        Case(label: "document is a list", yaml: "- name: demo\n",
             error: "c.yaml:1:1: (root): expected a mapping (a cluster spec), got a list"),
        Case(label: "document is a scalar", yaml: "hello\n",
             error: "c.yaml:1:1: (root): expected a mapping (a cluster spec), got the string 'hello'"),
        Case(label: "two documents", yaml: m + "---\n" + m,
             error: "c.yaml:11:1: (yaml): invalid YAML: expected a single document in the stream (line 1, column 1): but found another document"),
        Case(label: "empty file", yaml: "", error: "c.yaml:1:1: (file): empty file; expected a cluster spec mapping"),
        Case(label: "only comments", yaml: "# nothing here\n",
             error: "c.yaml:1:1: (file): no YAML document (only comments); expected a cluster spec mapping"),
        Case(label: "unknown top-level key", yaml: m + "replicas: 3\n",
             error: "c.yaml:11:1: replicas: unknown field; allowed here: name, provider, region, image, kubernetes, update, healing, deletion, groups, aws, variables, credentials"),
        Case(label: "typo top-level key", yaml: r("image: img-1", "imgae: img-1"),
             error: "c.yaml:3:1: imgae: unknown field; did you mean 'image'?"),
        Case(label: "unknown nested key", yaml: m + "    diks: { size: 5GiB }\n",
             error: "c.yaml:11:5: groups[0].diks: unknown field; did you mean 'disk'?"),
        Case(label: "unknown key in update", yaml: m + "update: { maxInflight: 2 }\n",
             error: "c.yaml:11:11: update.maxInflight: unknown field; did you mean 'maxInFlight'?"),
        Case(label: "missing name", yaml: r("name: demo\n", ""),
             error: "c.yaml:1:1: name: required field is missing"),
        Case(label: "missing groups", yaml: "name: demo\nprovider: sim\nimage: i\nkubernetes: { version: \"1.0.0\" }\n",
             error: "c.yaml:1:1: groups: required field is missing"),
        Case(label: "missing jobs", yaml: r("    jobs: [kubelet]\n", ""),
             error: "c.yaml:6:5: groups[0].jobs: required field is missing"),
        Case(label: "instances as string", yaml: r("instances: 2", "instances: \"2\""),
             error: "c.yaml:7:16: groups[0].instances: expected an integer from 0 to 10000, got the string '2'"),
        Case(label: "negative instances", yaml: r("instances: 2", "instances: -1"),
             error: "c.yaml:7:16: groups[0].instances: must be from 0 to 10000, got -1"),
        Case(label: "huge instances", yaml: r("instances: 2", "instances: 99999999999999999999"),
             error: "c.yaml:7:16: groups[0].instances: expected an integer from 0 to 10000, got the integer 99999999999999999999"),
        Case(label: "too many instances", yaml: r("instances: 2", "instances: 10001"),
             error: "c.yaml:7:16: groups[0].instances: must be from 0 to 10000, got 10001"),
        Case(label: "zero azs", yaml: r("azs: [z1]", "azs: []"),
             error: "c.yaml:8:10: groups[0].azs: must list at least one entry"),
        Case(label: "duplicate az", yaml: r("azs: [z1]", "azs: [z1, z1]"),
             error: "c.yaml:8:15: groups[0].azs[1]: duplicate availability zone 'z1'"),
        Case(label: "uppercase name", yaml: r("name: demo", "name: Demo"),
             error: "c.yaml:1:7: name: \(dnsRule), got 'Demo'"),
        Case(label: "name too long", yaml: r("name: demo", "name: " + String(repeating: "a", count: 64)),
             error: "c.yaml:1:7: name: \(dnsRule), got '\(String(repeating: "a", count: 64))'"),
        Case(label: "path traversal name", yaml: r("name: demo", "name: ../x"),
             error: "c.yaml:1:7: name: \(dnsRule), got '../x'"),
        Case(label: "SQL injection name", yaml: r("name: demo", "name: \"x'; drop table clusters;--\""),
             error: "c.yaml:1:7: name: \(dnsRule), got 'x'; drop table clusters;--'"),
        Case(label: "shell injection group name", yaml: r("- name: worker", "- name: \"w$(rm -rf /)\""),
             error: "c.yaml:6:11: groups[0].name: \(dnsRule), got 'w$(rm -rf /)'"),
        Case(label: "unicode look-alike name", yaml: r("name: demo", "name: d\u{0435}mo"),
             error: "c.yaml:1:7: name: \(dnsRule), got 'd\u{0435}mo' (contains the non-ASCII character U+0435)"),
        Case(label: "name as number", yaml: r("name: demo", "name: 2024"),
             error: "c.yaml:1:7: name: expected a string, got the integer 2024; quote it: \"2024\""),
        Case(label: "unknown provider", yaml: r("provider: sim", "provider: gce"),
             error: "c.yaml:2:11: provider: must be 'sim', 'aws' or 'local', got 'gce'"),
        Case(label: "aws without region", yaml: r("provider: sim", "provider: aws"),
             error: "c.yaml:1:1: region: required for provider 'aws'"),
        Case(label: "version as float", yaml: r("version: \"1.31.2\"", "version: 1.31"),
             error: "c.yaml:4:24: kubernetes.version: expected a string, got the number 1.31; quote it: \"1.31\""),
        Case(label: "bad version", yaml: r("version: \"1.31.2\"", "version: \"latest\""),
             error: "c.yaml:4:24: kubernetes.version: must be a version MAJOR.MINOR.PATCH such as \"1.31.2\", got 'latest'"),
        Case(label: "size without binary unit", yaml: m + "    disk: { size: 5GB }\n",
             error: "c.yaml:11:19: groups[0].disk.size: must be a whole number with a unit MiB, GiB or TiB (e.g. 5GiB), got '5GB'"),
        Case(label: "negative size", yaml: m + "    disk: { size: -1GiB }\n",
             error: "c.yaml:11:19: groups[0].disk.size: must be a whole number with a unit MiB, GiB or TiB (e.g. 5GiB), got '-1GiB'"),
        Case(label: "zero size", yaml: m + "    disk: { size: 0GiB }\n",
             error: "c.yaml:11:19: groups[0].disk.size: must be greater than zero, got '0GiB'"),
        Case(label: "disk without size", yaml: m + "    disk: { type: ssd }\n",
             error: "c.yaml:11:11: groups[0].disk.size: required field is missing"),
        Case(label: "percentage over 100", yaml: m + "update: { canaries: \"150%\" }\n",
             error: "c.yaml:11:21: update.canaries: percentage must be from 0% to 100%, got '150%'"),
        Case(label: "garbage percentage", yaml: m + "update: { maxInFlight: \"abc%\" }\n",
             error: "c.yaml:11:24: update.maxInFlight: expected an integer from 1 to 10000 or a percentage \"1%\" to \"100%\", got the string 'abc%'"),
        Case(label: "maxInFlight zero", yaml: m + "update: { maxInFlight: 0 }\n",
             error: "c.yaml:11:24: update.maxInFlight: must be from 1 to 10000, got 0"),
        Case(label: "serial not bool", yaml: m + "update: { serial: sometimes }\n",
             error: "c.yaml:11:19: update.serial: expected true or false, got the string 'sometimes'"),
        Case(label: "bad vmStrategy", yaml: m + "update: { vmStrategy: replace }\n",
             error: "c.yaml:11:23: update.vmStrategy: must be 'delete-create' or 'create-swap-delete', got 'replace'"),
        Case(label: "bad deletion", yaml: m + "deletion: destroy\n",
             error: "c.yaml:11:11: deletion: must be 'protect' or 'delete', got 'destroy'"),
        Case(label: "meltdown percent over 100", yaml: m + "healing: { meltdown: { percent: 120 } }\n",
             error: "c.yaml:11:33: healing.meltdown.percent: must be from 0 to 100, got 120"),
        Case(label: "duplicate group names", yaml: m + "  - name: worker\n    instances: 1\n    azs: [z1]\n    vmType: small\n    jobs: [kubelet]\n",
             error: "c.yaml:11:5: groups[1].name: duplicate group name 'worker' (also groups[0])"),
        Case(label: "empty groups", yaml: "name: demo\nprovider: sim\nimage: i\nkubernetes: { version: \"1.0.0\" }\ngroups: []\n",
             error: "c.yaml:5:9: groups: must list at least one entry"),
        Case(label: "groups is a mapping", yaml: "name: demo\nprovider: sim\nimage: i\nkubernetes: { version: \"1.0.0\" }\ngroups: { a: 1 }\n",
             error: "c.yaml:5:9: groups: expected a list, got a mapping"),
        Case(label: "duplicate key", yaml: r("image: img-1", "image: img-1\nimage: img-2"),
             error: "c.yaml:3:1: (yaml): duplicate key 'image' in one mapping (each key may appear once)"),
        Case(label: "duplicate job", yaml: r("jobs: [kubelet]", "jobs: [kubelet, kubelet]"),
             error: "c.yaml:10:21: groups[0].jobs[1]: duplicate job 'kubelet'"),
        Case(label: "properties not a mapping", yaml: m + "    properties: [1, 2]\n",
             error: "c.yaml:11:17: groups[0].properties: expected a mapping, got a list"),
        Case(label: "properties with infinity", yaml: m + "    properties: { x: .inf }\n",
             error: "c.yaml:11:22: groups[0].properties.x: '.inf' cannot be represented in JSON; quote it"),
        Case(label: "undefined alias", yaml: r("image: img-1", "image: *nothing"),
             error: "c.yaml:3:8: (yaml): invalid YAML: found undefined alias"),
        Case(label: "image with spaces", yaml: r("image: img-1", "image: \"my image; rm -rf /\""),
             error: "c.yaml:3:8: image: must be 1 to 128 characters of letters, digits and . _ : / -, starting with a letter or digit, got 'my image; rm -rf /'"),
        Case(label: "control characters", yaml: r("image: img-1", "image: \"a\\u0007b\""),
             error: "c.yaml:3:8: image: must be 1 to 128 characters of letters, digits and . _ : / -, starting with a letter or digit, got 'a\\u{7}b'"),
    ]

    @Test(arguments: cases)
    func rejectedWithExactError(_ c: Case) {
        Fixtures.expectRejected(c.yaml, firstIssue: c.error, c.label)
    }

    @Test func atLeastThirtyCases() {
        #expect(Self.cases.count >= 30)
    }

    @Test func aliasBombIsCutOff() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...8 {
            yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        yaml += Fixtures.minimal.replacingOccurrences(of: "    jobs: [kubelet]\n", with: "    jobs: [kubelet]\n    properties: { bomb: *a8 }\n")
        guard case .failure(let rejection) = Fixtures.decode(yaml) else {
            Issue.record("alias bomb accepted")
            return
        }
        #expect(rejection.issues.contains { $0.message == "document too large or too deeply aliased (more than 100000 nodes)" })
    }
}
