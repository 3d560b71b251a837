import ArgumentParser
import BosunStore
import Foundation

/// `bosun creds list [CLUSTER]`: credential metadata, never a secret.
struct CredsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List credentials: type, version, CA, validity, fingerprint, users. No secret values.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print one JSON document.")
    var json = false

    @Flag(help: "Show every version, not only the current one.")
    var allVersions = false

    @Argument(help: "Show only this cluster's credentials.")
    var cluster: String?

    func run() throws {
        let store = try global.openStore(create: false)
        let rows: [CredentialRow]
        do {
            rows = try store.credentialRows(cluster: cluster, allVersions: allVersions)
        } catch {
            Output.error("\(error)")
            throw ExitCode.failure
        }
        if json {
            try Output.json(rows)
            return
        }
        if rows.isEmpty {
            print(cluster.map { "no credentials for \($0)" } ?? "no credentials")
            return
        }
        Output.table(
            ["CLUSTER", "NAME", "TYPE", "VERSION", "CA", "NOT AFTER", "SHA256", "REFERENCED BY"],
            rows.map {
                [
                    $0.cluster, $0.name, $0.type, "\($0.version)\($0.current ? "" : " (old)")", $0.ca ?? "-",
                    $0.notAfter.map { String($0.prefix(19)) } ?? "-", $0.sha256Fingerprint.map { String($0.prefix(16)) } ?? "-",
                    $0.referencedBy.isEmpty ? "-" : $0.referencedBy,
                ]
            })
    }
}
