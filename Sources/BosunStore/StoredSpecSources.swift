import BosunSpec
import Foundation

/// The state database as the scanner's `SpecSourceLookup`: decoded outcomes of file content seen
/// before, trusted only under `validator` (by default this Bosun's `SpecDecoder.validatorVersion`).
public struct StoredSpecSources: SpecSourceLookup {
    public let store: Store
    public let validator: String

    public init(store: Store, validator: String = SpecDecoder.validatorVersion) {
        self.store = store
        self.validator = validator
    }

    /// A database error only costs a decode, so it reads as "not recorded".
    public func recorded(_ digests: [String: Data]) -> [String: RecordedSpec] {
        (try? store.recordedSpecs(digests, validator: validator)) ?? [:]
    }
}
