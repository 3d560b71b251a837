/// The sim's own error codes, next to the shared ones in `ProviderError` (`NotFound`,
/// `IncorrectState`, …) which it uses wherever they fit.
public enum SimErrorCode {
    /// The directory meant to hold the sim state does not exist (terminal).
    public static let stateDirectoryMissing = "StateDirectoryMissing"
    /// The sim state cannot be created or written there (terminal).
    public static let stateDirectoryReadOnly = "StateDirectoryReadOnly"
    /// No sim state file at the path, and the command only reads (it never creates one) (terminal).
    public static let noSimState = "NoSimState"
    /// The file exists but is not a sim state database; it is left untouched (terminal).
    public static let notASimDatabase = "NotASimDatabase"
    /// The file was written by a newer Bosun whose sim schema this one does not know (terminal).
    public static let newerSimDatabase = "NewerSimDatabase"
    /// A repeated create carried a known idempotency key with different parameters (terminal;
    /// AWS's `IdempotentParameterMismatch`).
    public static let idempotentParameterMismatch = "IdempotentParameterMismatch"
    /// A terminal failure injected by `--terminal-rate`.
    public static let injectedFailure = "InjectedFailure"
    /// The calling task was cancelled while the call was in flight (retryable).
    public static let cancelled = "Cancelled"
}
