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
        let data: Data
        do {
            data = try Self.encoder.encode(spec)
        } catch {
            // An `EncodingError`'s description is a debug dump of its whole coding path (tens
            // of kilobytes for a deep value) and ends up in events and views: say it briefly.
            throw EncodingFailure()
        }
        json = String(decoding: data, as: UTF8.self)
        hash = Self.hex(SHA256.hash(data: data))
    }

    /// Lower-case hex, as hashes are written. Not `String(format:)`: on Linux that costs about
    /// 2 µs a byte, which was most of looking up 10,000 file digests.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The canonical form as the state database recorded it: `json` is what `init(_:)` produced
    /// and `hash` its SHA-256, so neither is computed again.
    public init(recorded json: String, hash: String) {
        self.json = json
        self.hash = hash
    }

    /// Decodes a spec back from its canonical JSON (as stored in the database).
    public static func decode(_ json: String) throws -> ClusterSpec {
        try JSONDecoder().decode(ClusterSpec.self, from: Data(json.utf8))
    }

    /// The spec could not be encoded as JSON; short enough for any message.
    public struct EncodingFailure: Error, CustomStringConvertible {
        public var description: String { "the spec cannot be encoded as canonical JSON (a value too deep or not representable)" }
    }

    private static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
