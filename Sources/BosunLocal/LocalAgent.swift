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
    public func prepare(job name: String, log: @escaping (String) -> Void) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: vmDirectory + "/config.json") else {
            throw JobRenderer.RenderError(message: "VM \(vmID) has no configuration yet")
        }
        let config = try JSONDecoder().decode(NodeConfig.self, from: data)
        guard config.jobs.contains(name) else { throw JobRenderer.RenderError(message: "job \(name) is not configured on VM \(vmID)") }
        let job = try catalog.definition(name)
        // Data on the persistent disk when one is attached, else on the VM's own directory.
        let store = FileManager.default.fileExists(atPath: vmDirectory + "/store") ? vmDirectory + "/store" : vmDirectory + "/ephemeral"
        let renderer = JobRenderer(
            job: job, config: config, jobDirectory: vmDirectory + "/jobs/" + name, dataDirectory: store + "/" + name)
        try FileManager.default.createDirectory(atPath: renderer.dataDirectory, withIntermediateDirectories: true)
        chmod(renderer.dataDirectory, 0o700)
        var context = try renderer.context(extra: ["initial_cluster": "", "initial_cluster_state": "new"])
        try write(try renderer.files(context), into: renderer.jobDirectory)
        if job.membership == "etcd" {
            for (k, v) in try EtcdMembership(renderer: renderer, log: log).prepare() { context[k] = v }
        }
        return try renderer.command(context)
    }

    /// Each file atomically (temporary file, then rename), secrets with mode 0600.
    private func write(_ files: [(path: String, content: String, secret: Bool)], into directory: String) throws {
        for file in files {
            let path = directory + "/" + file.path
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let tmp = path + ".tmp"
            guard FileManager.default.createFile(atPath: tmp, contents: Data(file.content.utf8), attributes: [.posixPermissions: file.secret ? 0o600 : 0o644]) else {
                throw JobRenderer.RenderError(message: "cannot write \(tmp)")
            }
            guard rename(tmp, path) == 0 else { throw JobRenderer.RenderError(message: "cannot write \(path)") }
        }
    }
}
