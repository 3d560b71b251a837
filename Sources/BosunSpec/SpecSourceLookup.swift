import BosunModel
import Foundation

/// Where the scanner finds what an earlier Bosun decoded from a file's content, so a fresh
/// process does not decode YAML it has already seen (issue 9, decode once). The state database
/// implements it (`StoredSpecSources`).
///
/// Decoding is a pure function of the content and `SpecDecoder.validatorVersion` (the path only
/// appears in error messages, and only accepted outcomes are recorded), so an answer is correct
/// for any path holding the same content: the digest is the key, the path only a preference.
public protocol SpecSourceLookup: Sendable {
    /// For each path → SHA-256 of its settled content, the accepted spec recorded for that
    /// content under the current validator; paths with none (or whose canonical form is no
    /// longer kept) are left out. Asked once per scan, for every file that scan reads.
    func recorded(_ digests: [String: Data]) -> [String: RecordedSpec]
}

/// An accepted outcome recorded for some content, as a lookup returns it.
public struct RecordedSpec: Sendable, Hashable {
    public var accepted: AcceptedSpec
    /// The record was made for this very path; false when it was made for another file with
    /// the same content (a rename, a copy), which then has to be recorded for this path too.
    public var samePath: Bool

    public init(accepted: AcceptedSpec, samePath: Bool) {
        self.accepted = accepted
        self.samePath = samePath
    }
}
