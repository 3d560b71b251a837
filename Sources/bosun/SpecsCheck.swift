import ArgumentParser
import BosunSpec
import BosunStore
import Foundation

/// What `plan` and `apply` check so their exit code tells the truth: a missing or unreadable
/// specs directory, or a rejected spec they would act on, is an error (exit 1), never an
/// empty plan or `converged`.
enum SpecsCheck {
    /// Exits 1 naming `path` when it is missing, not a directory or cannot be listed. Runs
    /// before any database is opened, so a wrong `--specs` creates nothing.
    static func requireDirectory(_ path: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                Output.error("specs directory \(path) does not exist; pass --specs DIR (or set BOSUN_SPECS)")
            } else {
                Output.error("cannot read specs directory \(path): \(reason(code))")
            }
            throw ExitCode.failure
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            Output.error("specs directory \(path) is not a directory; pass --specs DIR (or set BOSUN_SPECS)")
            throw ExitCode.failure
        }
        // Listing is the test that counts (permission bits say nothing for root, ACLs exist).
        guard let handle = opendir(path) else {
            Output.error("cannot read specs directory \(path): \(reason(errno))")
            throw ExitCode.failure
        }
        closedir(handle)
    }

    private static func reason(_ code: Int32) -> String {
        code == EACCES ? "permission denied" : String(cString: strerror(code))
    }

    /// Prints every rejected spec file on stderr: as an error when it concerns `clusters` (all
    /// of them when none are named), else as a warning. Exits 1, having done nothing, when any
    /// error was printed: acting on the last accepted version while the file says something
    /// else would report `converged` for a change that was never made.
    static func refuseRejected(store: Store, clusters: [String]) throws {
        let rows = try store.specErrors()
        guard !rows.isEmpty else { return }
        var sources: Set<String> = []
        for name in clusters {
            if let status = try store.clusterStatuses(name: name).first { sources.insert(status.sourcePath) }
        }
        var refused = 0
        for row in rows {
            let more = row.errorCount > 1 ? " (+\(row.errorCount - 1) more; `bosun validate \(SpecExcerpt.escaped(row.path))` shows all)" : ""
            let concerns = clusters.isEmpty || sources.contains(row.path) || row.cluster.map(clusters.contains) == true
            if concerns {
                refused += 1
                Output.error("rejected: \(row.formatted)\(more)")
            } else {
                FileHandle.standardError.write(Data("warning: rejected, last accepted version stays: \(row.formatted)\(more)\n".utf8))
            }
        }
        guard refused == 0 else {
            let noun = refused == 1 ? "spec file is" : "spec files are"
            Output.error("\(refused) \(noun) rejected; nothing was done. Fix them (or name only the clusters to act on)")
            throw ExitCode.failure
        }
    }
}
