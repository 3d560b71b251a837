import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The 256-bit AES-GCM key that seals every credential at rest, read from (or, on first use,
/// created in) a key file of exactly 32 raw bytes with mode 0600.
public struct CredentialKey: Sendable, CustomStringConvertible, CustomReflectable {
    private let bytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: bytes) }
    /// First 16 hex digits of SHA-256 over the key: stored beside each sealed value so a wrong
    /// key is reported as such instead of as corrupt data. Reveals nothing usable about the key.
    public let keyID: String

    /// A key from its raw bytes (tests); throws `CredentialError` unless there are 32.
    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else { throw CredentialError("a credential key is 32 bytes, got \(bytes.count)") }
        self.bytes = bytes
        keyID = String(CredentialGenerator.hex(SHA256.hash(data: bytes)).prefix(16))
    }

    public var description: String { "CredentialKey(\(keyID))" }
    public var customMirror: Mirror { Mirror(self, children: ["keyID": keyID]) }

    /// The default key file: `bosun.key` in the directory of the state database.
    public static func defaultPath(database: String) -> String {
        URL(fileURLWithPath: database).deletingLastPathComponent().appendingPathComponent("bosun.key").path
    }

    /// Reads the key at `path`. Throws `CredentialError` if it is missing, unreadable, not
    /// 32 bytes, or readable by group or others.
    public static func load(path: String) throws -> CredentialKey {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw CredentialError(
                "credential key file \(path) is missing; the stored credentials cannot be opened without it (restore it, or point --key-file / BOSUN_KEY_FILE at it)")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw CredentialError("credential key file \(path) is not a regular file") }
        guard info.st_mode & 0o077 == 0 else {
            throw CredentialError("credential key file \(path) is accessible by group or others (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CredentialError("cannot read credential key file \(path)")
        }
        guard data.count == 32 else {
            throw CredentialError("credential key file \(path) holds \(data.count) bytes; a key is exactly 32")
        }
        return try CredentialKey(bytes: Array(data))
    }

    /// Creates a new key file at `path` (mode 0600, 256 random bits) and returns its key.
    /// Throws `CredentialError` if the file already exists or cannot be written; it never
    /// overwrites a key.
    public static func create(path: String) throws -> CredentialKey {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw CredentialError("cannot create credential key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, 32) }
        guard written == 32, fsync(fd) == 0 else {
            unlink(path)
            throw CredentialError("cannot write credential key file \(path)")
        }
        return try CredentialKey(bytes: bytes)
    }
}
