import Crypto
import Foundation

/// A credential's secret fields sealed with AES-256-GCM. The additional data binds the blob to
/// its cluster, name and version, so a blob copied onto another row does not open.
public struct SealedSecret: Sendable, Hashable {
    /// `nonce ‖ ciphertext ‖ tag`, as stored.
    public var combined: Data
    /// `CredentialKey.keyID` of the key that sealed it.
    public var keyID: String

    public init(combined: Data, keyID: String) {
        self.combined = combined
        self.keyID = keyID
    }

    static func additionalData(cluster: String, name: String, version: Int) -> Data {
        Data("bosun-credential\u{0}\(cluster)\u{0}\(name)\u{0}\(version)".utf8)
    }

    /// Seals `fields` for version `version` of `cluster`/`name`. Throws `CredentialError` only
    /// if encoding or encryption fails.
    public static func seal(
        _ fields: SecretFields, cluster: String, name: String, version: Int, key: CredentialKey
    ) throws -> SealedSecret {
        do {
            let plain = try JSONEncoder().encode(fields)
            let box = try AES.GCM.seal(plain, using: key.key, authenticating: additionalData(cluster: cluster, name: name, version: version))
            guard let combined = box.combined else { throw CredentialError("AES-GCM produced no combined form") }
            return SealedSecret(combined: combined, keyID: key.keyID)
        } catch let error as CredentialError {
            throw error
        } catch {
            throw CredentialError("cannot seal credential '\(name)' of cluster '\(cluster)'")
        }
    }

    /// Opens the fields. Throws `CredentialError` saying "wrong key" when `key` is not the one
    /// that sealed it, and "corrupt" when the blob or its binding does not authenticate.
    public func open(cluster: String, name: String, version: Int, key: CredentialKey) throws -> SecretFields {
        guard key.keyID == keyID else {
            throw CredentialError(
                "wrong credential key: credential '\(name)' of cluster '\(cluster)' was sealed with key \(keyID), the key file holds \(key.keyID)")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            let plain = try AES.GCM.open(box, using: key.key, authenticating: Self.additionalData(cluster: cluster, name: name, version: version))
            return try JSONDecoder().decode(SecretFields.self, from: plain)
        } catch {
            throw CredentialError("credential '\(name)' version \(version) of cluster '\(cluster)' is corrupt (it does not authenticate)")
        }
    }
}
