import ArgumentParser
import BosunLocal
import BosunProvider
import Foundation

/// Where the local provider lives and which job catalog it adds to the built-in one.
struct LocalOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Local provider directory (env BOSUN_LOCAL_ROOT; default: bosun-local/ beside the state database).", valueName: "path"))
    var localRoot: String?

    @Option(help: ArgumentHelp("Job catalog directory for the local provider, added to the built-in jobs (env BOSUN_JOB_CATALOG).", valueName: "path"))
    var jobCatalog: String?

    func rootPath(stateDatabase: String) -> String {
        absolute(localRoot ?? LocalCloud.defaultRoot(stateDatabase: stateDatabase))
    }

    var catalogPath: String? {
        (jobCatalog ?? ProcessInfo.processInfo.environment["BOSUN_JOB_CATALOG"]).flatMap { $0.isEmpty ? nil : absolute($0) }
    }

    /// The provider, with this binary as the VMs' agent.
    func cloud(stateDatabase: String) throws(ProviderError) -> LocalCloud {
        try LocalCloud(root: rootPath(stateDatabase: stateDatabase), catalogDirectory: catalogPath, agentBinary: Self.selfPath)
    }

    /// Absolute path of the running binary: the VMs' run scripts exec it.
    static var selfPath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
