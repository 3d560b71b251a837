import BosunProvider
import Foundation

/// An error AWS answered with (or a failure to get an answer), before it is mapped to the
/// provider seam's `ProviderError` by `providerError`.
public struct AWSAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `ec2:RunInstances`, `ssm:SendCommand`, …
    public var action: String
    /// HTTP status, 0 when no answer came back.
    public var status: Int
    /// AWS's error code (`InvalidInstanceID.NotFound`), or `ConnectionFailed` / `Timeout`.
    public var code: String
    public var message: String

    public init(action: String, status: Int, code: String, message: String) {
        self.action = action
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(action): \(code): \(message)" }

    static let throttlingCodes: Set<String> = [
        "RequestLimitExceeded", "Throttling", "ThrottlingException", "TooManyRequestsException", "RequestThrottled",
        "RequestThrottledException", "SlowDown", "PriorRequestNotComplete",
    ]
    static let capacityCodes: Set<String> = ["InsufficientInstanceCapacity", "InsufficientVolumeCapacity", "InsufficientCapacity"]
    static let unavailableCodes: Set<String> = ["ServiceUnavailable", "Unavailable", "InternalError", "InternalFailure", "InternalServerError"]
    static let notFoundCodes: Set<String> = [
        "InvalidInstanceID.NotFound", "InvalidVolume.NotFound", "TargetGroupNotFound", "InvalidInstanceId", "InvalidInstanceID.Malformed",
        "InvalidVolumeID.Malformed", "InvalidTarget",
    ]
    static let incorrectStateCodes: Set<String> = ["IncorrectState", "IncorrectInstanceState", "VolumeInUse", "InvalidAttachment.NotFound"]
    static let invalidParameterCodes: Set<String> = [
        "InvalidParameterValue", "InvalidParameter", "InvalidParameterCombination", "MissingParameter", "ValidationError",
        "ValidationException", "InvalidVolume.ZoneMismatch",
    ]
    static let quotaCodes: Set<String> = [
        "InstanceLimitExceeded", "VcpuLimitExceeded", "VolumeLimitExceeded", "MaxIOPSLimitExceeded", "ResourceLimitExceeded",
        "TooManyTargetGroups", "TooManyTargets", "TooManyRegistrationsForTargetId", "MaxSpotInstanceCountExceeded",
        "InstanceLimitExceededException", "ServiceQuotaExceededException",
    ]

    /// The seam's view of this error (`docs/providers.md`):
    /// - retryable: throttling (shared code `Throttling`, with `retryAfter`), insufficient
    ///   capacity (AWS's code), 5xx and failures to connect (`ServiceUnavailable`), timeouts
    ///   (`Timeout`: the call may have taken effect);
    /// - terminal with the shared code: not found, wrong state, invalid parameter, quota;
    /// - terminal with AWS's own code and message: everything else (`InvalidAMIID.*`,
    ///   `UnauthorizedOperation`, `AuthFailure`, `IdempotentParameterMismatch`, …).
    public func providerError(retryAfter: Duration? = nil) -> ProviderError {
        let text = "\(action): \(code): \(message)"
        if Self.throttlingCodes.contains(code) || status == 429 {
            return ProviderError(.retryable, code: ProviderError.throttled, message: text, retryAfter: retryAfter ?? .seconds(1))
        }
        if Self.capacityCodes.contains(code) { return ProviderError(.retryable, code: code, message: text, retryAfter: retryAfter) }
        if code == ProviderError.timeout { return ProviderError(.retryable, code: ProviderError.timeout, message: text) }
        if code == "ConnectionFailed" || Self.unavailableCodes.contains(code) || status >= 500 {
            return ProviderError(.retryable, code: ProviderError.unavailable, message: text, retryAfter: retryAfter)
        }
        if Self.notFoundCodes.contains(code) { return ProviderError(.terminal, code: ProviderError.notFound, message: text) }
        if Self.incorrectStateCodes.contains(code) { return ProviderError(.terminal, code: ProviderError.incorrectState, message: text) }
        if Self.invalidParameterCodes.contains(code) { return ProviderError(.terminal, code: ProviderError.invalidParameter, message: text) }
        if Self.quotaCodes.contains(code) || code.hasSuffix("LimitExceeded") {
            return ProviderError(.terminal, code: ProviderError.quotaExceeded, message: text)
        }
        return ProviderError(.terminal, code: code, message: text)
    }

    /// Whether the seam sees this as retryable (see `providerError`).
    public var isRetryable: Bool { providerError().isRetryable }

    /// Throttling or a 503: AWS refused the request without acting on it, so the transport
    /// may resend it at once (with backoff) whatever the action.
    var isRefusal: Bool { Self.throttlingCodes.contains(code) || status == 429 || status == 503 }
}
