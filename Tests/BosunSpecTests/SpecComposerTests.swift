import BosunModel
import BosunSpec
import Foundation
import Testing

/// Composed cluster files (`base:`, `ops:`, `vars:`, `varsFiles:`): what they compose to, and
/// every way they can fail, located at the file and line that failed.
@Suite struct SpecComposerTests {
    static let base = """
        name: ((name))
        provider: sim
        image: img-1
        kubernetes: { version: "1.31.2" }
        variables:
          - { name: admin-password, type: password }
        groups:
          - name: worker
            instances: ((workers))
            azs: [z1]
            vmType: small
            jobs: [kubelet]
            properties: { password: ((admin-password)), region: ((region)) }

        """

    let dir: String

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-compose-\(UUID().uuidString)").path
        for sub in ["specs/base", "specs/ops", "specs/vars", "outside"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
        }
        try write("specs/base/k8s.yml", Self.base)
        try write("specs/ops/big.yml", "- type: replace\n  path: /groups/name=worker/vmType\n  value: large\n")
        try write("specs/vars/common.yml", "region: eu-1\nworkers: 2\n")
    }

    func write(_ relative: String, _ text: String) throws {
        try text.write(toFile: dir + "/" + relative, atomically: true, encoding: .utf8)
    }

    func outcome(_ text: String, file: String = "c.yaml") throws -> SpecOutcome {
        try write("specs/" + file, text)
        return SpecFileReader(directory: dir + "/specs").outcome(dir + "/specs/" + file)
    }

    func firstIssue(_ text: String) throws -> String {
        guard case .rejected(let rejection) = try outcome(text) else { return "accepted" }
        return rejection.issues.first?.description.replacingOccurrences(of: dir, with: "") ?? "no issue"
    }

    @Test func aClusterFileComposesBaseOpsAndVariablesWithVarsBeatingVarsFiles() throws {
        guard case .accepted(let accepted) = try outcome("""
            base: base/k8s.yml
            ops: [ops/big.yml]
            varsFiles: [vars/common.yml]
            vars: { name: east, workers: 4 }

            """)
        else { Issue.record("rejected"); return }
        let spec = try accepted.spec()
        #expect(spec.name == "east" && spec.groups[0].instances == 4 && spec.groups[0].vmType == "large")
        // Generated credentials stay references; given variables are interpolated.
        #expect(spec.groups[0].properties == .object(["password": .string("((admin-password))"), "region": .string("eu-1")]))
        #expect(spec.variables?.map(\.name) == ["admin-password"])
    }

    @Test func problemsPointAtTheFileAndLineThatFailed() throws {
        #expect(try firstIssue("base: base/nope.yml\nvars: { name: a, workers: 1, region: r }\n")
            == "/specs/c.yaml:1:7: base: base/nope.yml: no such file")
        try write("specs/ops/broken.yml", "- type: replace\n  path: /groups/name=worker/vmType\n  value: x\n- type: remove\n  path: /nope/deeper\n")
        let broken = try firstIssue("base: base/k8s.yml\nops: [ops/broken.yml]\nvars: { name: a, workers: 1, region: r }\n")
        #expect(broken.hasPrefix("/specs/ops/broken.yml:4:") && broken.contains("Expected to find a map key 'nope' for path '/nope'"), "\(broken)")
        #expect(try firstIssue("base: base/k8s.yml\nvars: { name: a }\n")
            == "/specs/c.yaml:2:1: vars: missing variables: workers, region (give them in vars: or varsFiles:, or declare them under variables:)")
        #expect(try firstIssue("base: base/k8s.yml\nvars: { name: a, workers: 1, region: r, admin-password: x }\n")
            == "/specs/c.yaml:2:41: vars.admin-password: 'admin-password' is also declared under variables: (a generated credential); one name, one source")
        try Data([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xff, 0xfe, 0x00, 0x0a]).write(to: URL(fileURLWithPath: dir + "/specs/base/binary.yml"))
        #expect(try firstIssue("base: base/binary.yml\n") == "/specs/c.yaml:1:7: base: base/binary.yml: not a UTF-8 text file")
        #expect(try firstIssue("base: [base/k8s.yml]\n").hasPrefix("/specs/c.yaml:1:7: base: expected a string"))
        #expect(try firstIssue("base: base/k8s.yml\nops: ops/big.yml\n") == "/specs/c.yaml:2:6: ops: expected a list, got the string 'ops/big.yml'")
        #expect(try firstIssue("base: base/k8s.yml\nbsae: x\n")
            == "/specs/c.yaml:2:1: bsae: unknown field; did you mean 'base'?")
        // The composed spec is validated like any spec, named as composed.
        #expect(try firstIssue("base: base/k8s.yml\nvars: { name: a, workers: -1, region: r }\n").hasPrefix("/specs/c.yaml (composed):"))
    }

    @Test func referencedFilesStayInsideTheSpecsDirectory() throws {
        try write("outside/base.yml", Self.base)
        #expect(try firstIssue("base: ../outside/base.yml\n").hasSuffix(
            "base: ../outside/base.yml: is outside the specs directory (only files inside \(SpecFileReaderPath.real(dir))/specs are read)"
                .replacingOccurrences(of: dir, with: "")))
        try FileManager.default.createSymbolicLink(atPath: dir + "/specs/base/link.yml", withDestinationPath: dir + "/outside/base.yml")
        #expect(try firstIssue("base: base/link.yml\n").contains("base: base/link.yml: is outside the specs directory"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/specs/base/inside.yml", withDestinationPath: dir + "/specs/base/k8s.yml")
        guard case .accepted = try outcome("base: base/inside.yml\nvars: { name: a, workers: 1, region: r }\n") else {
            Issue.record("a link inside the specs directory is followed"); return
        }
    }

    @Test func aChangeToAReferencedFileIsSeenByTheScannerForEveryClusterUsingIt() throws {
        try write("specs/a.yaml", "base: base/k8s.yml\nvarsFiles: [vars/common.yml]\nvars: { name: a }\n")
        try write("specs/b.yaml", "base: base/k8s.yml\nops: [ops/big.yml]\nvarsFiles: [vars/common.yml]\nvars: { name: b }\n")
        try write("specs/c.yaml", "base: base/k8s.yml\nvarsFiles: [vars/common.yml]\nvars: { name: c, workers: 3 }\n")
        var scanner = SpecScanner(directory: dir + "/specs", settle: 0)
        let first = scanner.scan()
        #expect(first.changed.count == 3 && first.files.values.allSatisfy { $0.clusterName != nil })
        #expect(scanner.scan().changed.isEmpty, "nothing changed")
        // The vars file changes: every cluster reading it is read again; c overrides workers.
        try write("specs/vars/common.yml", "region: eu-2\nworkers: 5\n")
        let second = scanner.scan()
        #expect(second.changed.count == 3)
        func workers(_ scan: SpecScan, _ name: String) -> Int? {
            guard case .accepted(let accepted)? = scan.files[dir + "/specs/\(name).yaml"] else { return nil }
            return try? accepted.spec().groups[0].instances
        }
        #expect(workers(second, "a") == 5 && workers(second, "b") == 5 && workers(second, "c") == 3)
        // A broken ops file rejects only the cluster that uses it.
        try write("specs/ops/big.yml", "- type: replace\n  path: /groups/name=nope/vmType\n  value: large\n")
        let third = scanner.scan()
        #expect(third.changed == [dir + "/specs/b.yaml"])
        guard case .rejected(let rejection)? = third.files[dir + "/specs/b.yaml"] else { Issue.record("b accepted"); return }
        #expect(rejection.issues.first?.file == dir + "/specs/ops/big.yml")
        // Fixed, it is read again without touching b.yaml.
        try write("specs/ops/big.yml", "- type: replace\n  path: /groups/name=worker/vmType\n  value: large\n")
        #expect(scanner.scan().files[dir + "/specs/b.yaml"]?.clusterName == "b")
    }
}

/// Resolves the temporary directory the way the composer reports it (`/tmp` may be a link).
enum SpecFileReaderPath {
    static func real(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
