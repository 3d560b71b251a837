import Foundation
import _CryptoExtras

/// The OpenSSH wire form of an RSA public key (RFC 4253 §6.6): `string "ssh-rsa"`, `mpint e`,
/// `mpint n`. `ssh-keygen -l` fingerprints are SHA-256 of exactly these bytes.
enum SSHPublicKey {
    /// The key blob; base64 of it follows `ssh-rsa ` in an `authorized_keys` line. Throws
    /// `CredentialError` if swift-crypto cannot export the key's primitives.
    static func blob(_ key: _RSA.Signing.PublicKey) throws -> [UInt8] {
        let primitives: _RSA.Signing.PublicKey.Primitives
        do {
            primitives = try key.getKeyPrimitives()
        } catch {
            throw CredentialError("cannot export an RSA public key in OpenSSH form")
        }
        return string(Array("ssh-rsa".utf8)) + string(mpint(Array(primitives.publicExponent)))
            + string(mpint(Array(primitives.modulus)))
    }

    static func string(_ bytes: [UInt8]) -> [UInt8] {
        let n = UInt32(bytes.count)
        return [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)] + bytes
    }

    /// A positive big-endian integer as an SSH mpint: no leading zero bytes, except one when the
    /// top bit is set (so it does not read as negative).
    static func mpint(_ bytes: [UInt8]) -> [UInt8] {
        let trimmed = Array(bytes.drop(while: { $0 == 0 }))
        if let first = trimmed.first, first & 0x80 != 0 { return [0] + trimmed }
        return trimmed
    }
}
