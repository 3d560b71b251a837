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

    /// The error in an operator's words: the provider's own message, without Bosun's code for
    /// the meanings every provider shares (`NotFound`, `InvalidParameter`, …); a provider's own
    /// code such as AWS's `UnauthorizedOperation` stays, it is what its docs use.
    public var plainText: String {
        let shared: Set = [Self.notFound, Self.timeout, Self.throttled, Self.quotaExceeded, Self.incorrectState, Self.invalidParameter, Self.unavailable]
        return shared.contains(code) ? message : "\(code): \(message)"
    }

    /// `plainText`, and for a temporary failure that trying again may help (command output).
    public var operatorText: String { isRetryable ? plainText + " (temporary: trying again may help)" : plainText }

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
