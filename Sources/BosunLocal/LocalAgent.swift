import BosunProvider
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The node agent's side of a job start (`bosun agent run-job`, run by the job's runit
/// service): reads the node's configuration, writes the job's files, prepares membership, and
/// returns the argv the caller execs, so runit supervises the job itself.
public struct LocalAgent {
    let root: String
    let vmID: String
    let catalog: JobCatalog

    public init(root: String, vmID: String, catalogDirectory: String?) throws {
        self.root = root
        self.vmID = vmID
        catalog = try JobCatalog(directory: catalogDirectory)
    }

    var vmDirectory: String { root + "/vms/" + vmID }

    /// Prepares `job` and returns its argv. Throws a message for the job's log when the node
    /// has no configuration, the job is not in it, or a property it needs is missing.
    /// Where each start of a job is noted (seconds since 1970, the last 10): how the provider
    /// tells a crash loop from a slow start.
    static func startsPath(vmDirectory: String, job: String) -> String { vmDirectory + "/jobs/" + job + "/.starts" }

    /// Notes a start of the job's own process.
    private func noteStart(_ job: String) {
        let path = Self.startsPath(vmDirectory: vmDirectory, job: job)
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let earlier = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").suffix(9)
        let text = (earlier + ["\(Date().timeIntervalSince1970)"]).joined(separator: "\n") + "\n"
        try? PrivateFile.write(Data(text.utf8), to: path, mode: 0o644)
    }

    public func prepare(job name: String, log: @escaping (String) -> Void) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: vmDirectory + "/config.json") else {
            throw JobRenderer.RenderError(message: "VM \(vmID) has no configuration yet")
        }
        let config = try JSONDecoder().decode(NodeConfig.self, from: data)
        guard config.jobs.contains(name) else { throw JobRenderer.RenderError(message: "job \(name) is not configured on VM \(vmID)") }
        let job = try catalog.definition(name)
        // Data on the persistent disk when one is attached, else on the VM's own directory. A
        // link whose disk is gone is no reason to start on an empty directory instead: a
        // member that does would be replaced, and its data refused when the disk came back.
        let link = vmDirectory + "/store"
        var info = stat()
        let linked = lstat(link, &info) == 0
        if linked && !FileManager.default.fileExists(atPath: link) {
            throw JobRenderer.RenderError(message: "the disk linked at \(link) is missing; not starting \(name) without it")
        }
        let store = linked ? link : vmDirectory + "/ephemeral"
        let renderer = JobRenderer(
            job: job, config: config, jobDirectory: vmDirectory + "/jobs/" + name, dataDirectory: store + "/" + name)
        try FileManager.default.createDirectory(atPath: renderer.dataDirectory, withIntermediateDirectories: true)
        chmod(renderer.dataDirectory, 0o700)
        var context = try renderer.context(extra: ["initial_cluster": "", "initial_cluster_state": "new"])
        try write(try renderer.files(context), into: renderer.jobDirectory)
        if job.membership == "etcd" {
            let formed = LocalCloud.formedMarker(root: root, cluster: config.identity.cluster, group: config.identity.group, job: name)
            let membership = EtcdMembership(renderer: renderer, clusterFormed: FileManager.default.fileExists(atPath: formed), log: log)
            for (k, v) in try membership.prepare() { context[k] = v }
        }
        let argv = try renderer.command(context)
        // Noted only when the job itself is about to run: a job that keeps exiting is a crash
        // loop; a start that waits for its peers (above) is not.
        noteStart(name)
        return argv
    }

    /// Each file atomically (temporary file, then rename), secrets with mode 0600.
    private func write(_ files: [(path: String, content: String, secret: Bool)], into directory: String) throws {
        for file in files {
            let path = directory + "/" + file.path
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try PrivateFile.write(Data(file.content.utf8), to: path, mode: file.secret ? 0o600 : 0o644)
        }
    }
}
