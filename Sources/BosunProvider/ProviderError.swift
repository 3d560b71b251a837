/// The one error type every provider throws. It says whether trying again can help, carries the
/// provider's own code and message, and for throttling a suggested delay.
public struct ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Whether a retry can succeed.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Timeouts, throttling, 5xx, "not ready yet": retry with backoff.
        case retryable
        /// Bad VM type, quota, validation, wrong state: retrying the same call cannot help.
        case terminal
    }

    public var kind: Kind
    /// The provider's own error code (`InvalidVolume.NotFound`, `Throttling`, `QuotaExceeded`…).
    public var code: String
    /// The provider's message, for humans.
    public var message: String
    /// For throttling: how long the provider asks callers to wait.
    public var retryAfter: Duration?

    public init(_ kind: Kind, code: String, message: String, retryAfter: Duration? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    public var isRetryable: Bool { kind == .retryable }

    public var description: String { "\(code): \(message)" }

    // Codes with a meaning every provider shares, so callers need not know provider dialects.

    /// The named VM, disk or load balancer does not exist.
    public static let notFound = "NotFound"
    /// The call timed out; it may or may not have taken effect.
    public static let timeout = "Timeout"
    /// Too many calls; slow down (retryable, often with `retryAfter`).
    public static let throttled = "Throttling"
    /// A quota (VM count, disk capacity) would be exceeded.
    public static let quotaExceeded = "QuotaExceeded"
    /// The resource is in the wrong state for the call (attach an attached disk, delete an attached disk…).
    public static let incorrectState = "IncorrectState"
    /// The request itself is invalid (zero size, unknown type…).
    public static let invalidParameter = "InvalidParameter"
    /// A transient provider-side failure.
    public static let unavailable = "ServiceUnavailable"

    public static func notFound(_ what: String) -> ProviderError {
        ProviderError(.terminal, code: notFound, message: "\(what) not found")
    }
}
