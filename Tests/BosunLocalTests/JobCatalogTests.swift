import BosunJobCatalog
@testable import BosunLocal
import Foundation
import Testing

/// The job catalog: the built-in definitions are exactly the project's `jobs/*.yml`, an
/// operator's directory adds or replaces jobs, and a bad definition is refused naming its file.
@Suite struct JobCatalogTests {
    static var jobsFolder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("jobs").path
    }

    func tempDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-jobs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func builtInJobsEqualTheJobsFolder() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.jobsFolder).filter { $0.hasSuffix(".yml") }.sorted()
        #expect(BuiltinJobs.all.map(\.file) == files)
        for (file, yaml) in BuiltinJobs.all {
            #expect(yaml == (try String(contentsOfFile: Self.jobsFolder + "/" + file, encoding: .utf8)))
        }
        let catalog = try JobCatalog()
        let etcd = try catalog.definition("etcd")
        #expect(etcd.membership == "etcd" && etcd.health == JobDefinition.HealthCheck(port: 2381, path: "/health"))
        #expect(etcd.loadBalancer?.port == 2379 && etcd.drain?.graceSeconds == 5)
    }

    @Test func anOperatorDirectoryAddsAndReplacesJobs() throws {
        let dir = try tempDirectory()
        try Data("name: web\ncommand: [/usr/bin/python3, -m, http.server, \"8080\"]\nhealth: { port: 8080, path: / }\n".utf8)
            .write(to: URL(fileURLWithPath: dir + "/web.yml"))
        try Data("name: etcd\ncommand: [/bin/true]\n".utf8).write(to: URL(fileURLWithPath: dir + "/etcd.yaml"))
        let catalog = try JobCatalog(directory: dir)
        #expect(catalog.jobs.keys.sorted() == ["etcd", "web"])
        #expect(try catalog.definition("etcd").command == ["/bin/true"])
        #expect(catalog.origin == "built-in + \(dir)")
        #expect(throws: JobCatalog.CatalogError.self) { try catalog.definition("kubelet") }
        do {
            _ = try catalog.definition("kubelet")
        } catch {
            #expect("\(error)" == "job 'kubelet' is not in the job catalog (built-in + \(dir); known: etcd, web)")
        }
    }

    @Test(arguments: [
        ("name: x\ncommand: []\n", "command is empty"),
        ("name: ../x\ncommand: [/bin/true]\n", "name '../x' must be 1 to 63 letters, digits, '-' or '_'"),
        ("name: x\ncommand: [/bin/true]\nfiles: [{ path: ../../etc/passwd, content: x }]\n", "file path '../../etc/passwd' must stay inside the job's directory"),
        ("name: x\ncommand: [/bin/true]\nmembership: zookeeper\n", "membership 'zookeeper' is unknown (known: etcd)"),
        ("name: x\ncommand: [/bin/true]\nhealth: { port: 70000, path: / }\n", "health.port 70000 is not a port"),
        ("name: x\ncommand: [/bin/true]\nhealth: { port: 80, path: \"/h\\nbackend evil\" }\n", "health.path must start with / and hold only printable characters, no spaces or quotes"),
        ("name: x\ncommand: [/bin/true]\ndrain: { grace: 5 minutes }\n", "drain.grace '5 minutes' must be a duration of 0 to 300 s, such as 500ms or 5s"),
        ("name: x\ncommand: [/bin/true]\ndrain: { grace: 1h }\n", "drain.grace '1h' must be a duration of 0 to 300 s, such as 500ms or 5s"),
        ("name: x\ncommand: [/bin/true]\ndrain: { grace: 900s }\n", "drain.grace '900s' must be a duration of 0 to 300 s, such as 500ms or 5s"),
        ("name: x\ncommand: /bin/true\n", "command: wrong type"),
        ("command: [/bin/true]\n", "(top level): missing name"),
    ])
    func aBadDefinitionIsRefusedNamingItsFile(yaml: String, problem: String) throws {
        let dir = try tempDirectory()
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: dir + "/bad.yml"))
        do {
            _ = try JobCatalog(directory: dir)
            Issue.record("accepted \(yaml)")
        } catch {
            #expect("\(error)" == "job catalog \(dir)/bad.yml: \(problem)")
        }
    }

    @Test func malformedYAMLIsRefusedByPositionWithoutQuotingTheFile() throws {
        let dir = try tempDirectory()
        try Data("name: x\ncommand: [/bin/true, --password=hunter2\n".utf8).write(to: URL(fileURLWithPath: dir + "/broken.yml"))
        do {
            _ = try JobCatalog(directory: dir)
            Issue.record("accepted broken YAML")
        } catch {
            #expect("\(error)".hasPrefix("job catalog \(dir)/broken.yml: invalid YAML at line "), "\(error)")
            #expect(!"\(error)".contains("hunter2"))
        }
    }
}
