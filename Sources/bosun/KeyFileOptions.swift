import ArgumentParser
import BosunCredentials
import BosunStore
import Foundation

/// `--key-file`: the AES-256 key that seals credentials at rest. Default: env `BOSUN_KEY_FILE`,
/// else `bosun.key` beside the state database.
struct KeyFileOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Credential key file (env BOSUN_KEY_FILE; default bosun.key beside --db).", valueName: "path"))
    var keyFile: String?

    func path(database: String) -> String { Self.path(self, database: database) }

    /// The key file of `options`, or the default one of a command without the option.
    static func path(_ options: KeyFileOptions?, database: String) -> String {
        options?.keyFile ?? ProcessInfo.processInfo.environment["BOSUN_KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? CredentialKey.defaultPath(database: database)
    }

    /// The key, for reading stored credentials; exits with a clear error if it is missing or
    /// unreadable.
    func load(database: String) throws -> CredentialKey {
        do {
            return try CredentialKey.load(path: path(database: database))
        } catch {
            Output.error("\(error)")
            throw ExitCode.failure
        }
    }

    /// The key, created (0600, 256 random bits) only when the file is missing and the database
    /// holds no credential yet: with stored credentials, a missing key is an error, never a
    /// reason to start over.
    func loadOrCreate(store: Store) throws -> CredentialKey {
        do {
            return try CredentialsStep.key(store: store, path: path(database: store.path))
        } catch {
            Output.error("\(error)")
            throw ExitCode.failure
        }
    }
}
