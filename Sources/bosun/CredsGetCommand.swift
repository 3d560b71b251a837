import ArgumentParser
import BosunCredentials
import BosunStore
import Foundation

/// `bosun creds get CLUSTER NAME [--key K]`: prints one secret, the only command that does.
struct CredsGetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Print a credential's secret value (the only command that prints one).",
        discussion: "Without --key, a password prints its password and other types their certificate or public key.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var keyFile: KeyFileOptions

    @Option(help: "Which part: certificate, private_key, ca, password, public_key, public_key_fingerprint.")
    var key: String?

    @Option(parsing: .unconditional, help: "Version to read (default: current).")
    var version: Int?

    @Argument(help: "Cluster.")
    var cluster: String

    @Argument(help: "Credential (variable) name.")
    var name: String

    func run() throws {
        let store = try global.openStore(create: false)
        let credentialKey = try keyFile.load(database: store.path)
        let found: (row: CredentialRow, secret: SecretFields)?
        do {
            found = try store.openCredential(cluster: cluster, name: name, version: version, key: credentialKey)
        } catch {
            Output.error("\(error)")
            throw ExitCode.failure
        }
        guard let found else {
            Output.error("no credential '\(name)' in cluster '\(cluster)'\(version.map { " at version \($0)" } ?? "")")
            throw ExitCode.failure
        }
        let part = key ?? (found.row.type == "password" ? "password" : found.row.type == "certificate" ? "certificate" : "public_key")
        guard let value = found.secret[part] else {
            Output.error("a \(found.row.type) has no key '\(part)'; keys: \(found.secret.keys.joined(separator: ", "))")
            throw ExitCode.failure
        }
        FileHandle.standardOutput.write(Data((value.hasSuffix("\n") ? value : value + "\n").utf8))
    }
}
