import BosunModel
import Crypto
import Foundation

/// The canonical form of an accepted spec: sorted-key JSON with every default filled in, and its
/// SHA-256. Re-formatting a file or reordering map keys leaves both unchanged; a real change
/// changes the hash (and so bumps the cluster's generation).
public struct CanonicalSpec: Sendable, Hashable {
    public let json: String
    public let hash: String

    /// Encodes `spec`. Throws only if the spec holds a value JSON cannot represent, which
    /// validation already rules out.
    public init(_ spec: ClusterSpec) throws {
        let data = try Self.encoder.encode(spec)
        json = String(decoding: data, as: UTF8.self)
        hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Decodes a spec back from its canonical JSON (as stored in the database).
    public static func decode(_ json: String) throws -> ClusterSpec {
        try JSONDecoder().decode(ClusterSpec.self, from: Data(json.utf8))
    }

    private static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
