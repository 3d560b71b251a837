import BosunCredentials
import Foundation
import Testing

@Suite struct SealingTests {
    let fields = SecretFields(["password": "hunter2-but-longer-and-random"])

    @Test func keyFileIsCreatedWith0600And32RandomBytes() throws {
        let dir = try OpenSSL.tempDirectory()
        let path = dir.appendingPathComponent("bosun.key").path
        let created = try CredentialKey.create(path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect((attributes[.size] as? Int) == 32)
        #expect(try CredentialKey.load(path: path).keyID == created.keyID)
        let other = try CredentialKey.create(path: dir.appendingPathComponent("other.key").path)
        #expect(other.keyID != created.keyID)
        #expect(!String(describing: created).isEmpty && !String(reflecting: created).contains("bytes"))
    }

    @Test func anExistingKeyFileIsNeverOverwritten() throws {
        let dir = try OpenSSL.tempDirectory()
        let path = dir.appendingPathComponent("bosun.key").path
        let first = try CredentialKey.create(path: path)
        #expect(throws: CredentialError.self) { try CredentialKey.create(path: path) }
        #expect(try CredentialKey.load(path: path).keyID == first.keyID)
    }

    @Test func missingShortOrOpenKeyFilesAreClearErrors() throws {
        let dir = try OpenSSL.tempDirectory()
        let missing = dir.appendingPathComponent("nope.key").path
        let error = #expect(throws: CredentialError.self) { try CredentialKey.load(path: missing) }
        #expect(error?.message.hasPrefix("credential key file \(missing) is missing") == true)
        let short = dir.appendingPathComponent("short.key").path
        _ = FileManager.default.createFile(atPath: short, contents: Data([1, 2, 3]), attributes: [.posixPermissions: 0o600])
        let shortError = #expect(throws: CredentialError.self) { try CredentialKey.load(path: short) }
        #expect(shortError?.message == "credential key file \(short) holds 3 bytes; a key is exactly 32")
        let open = dir.appendingPathComponent("open.key").path
        _ = FileManager.default.createFile(atPath: open, contents: Data(repeating: 7, count: 32), attributes: [.posixPermissions: 0o644])
        let openError = #expect(throws: CredentialError.self) { try CredentialKey.load(path: open) }
        #expect(openError?.message.contains("accessible by group or others (mode 644)") == true)
    }

    @Test func sealedValuesOpenOnlyWithTheirKeyAndBinding() throws {
        let key = try CredentialKey(bytes: Array(repeating: 1, count: 32))
        let sealed = try SealedSecret.seal(fields, cluster: "cfcr", name: "pw", version: 1, key: key)
        #expect(!String(decoding: sealed.combined, as: UTF8.self).contains("hunter2"))
        #expect(try sealed.open(cluster: "cfcr", name: "pw", version: 1, key: key) == fields)

        let wrong = try CredentialKey(bytes: Array(repeating: 2, count: 32))
        let wrongError = #expect(throws: CredentialError.self) { try sealed.open(cluster: "cfcr", name: "pw", version: 1, key: wrong) }
        #expect(wrongError?.message.hasPrefix("wrong credential key: credential 'pw' of cluster 'cfcr' was sealed with key \(key.keyID)") == true)

        let moved = #expect(throws: CredentialError.self) { try sealed.open(cluster: "cfcr", name: "pw", version: 2, key: key) }
        #expect(moved?.message == "credential 'pw' version 2 of cluster 'cfcr' is corrupt (it does not authenticate)")
        var flipped = sealed
        flipped.combined[20] ^= 1
        #expect(throws: CredentialError.self) { try flipped.open(cluster: "cfcr", name: "pw", version: 1, key: key) }
    }

    @Test func sealingTwiceGivesDifferentCiphertexts() throws {
        let key = try CredentialKey(bytes: Array(repeating: 1, count: 32))
        let a = try SealedSecret.seal(fields, cluster: "c", name: "n", version: 1, key: key)
        let b = try SealedSecret.seal(fields, cluster: "c", name: "n", version: 1, key: key)
        #expect(a.combined != b.combined)
    }
}
