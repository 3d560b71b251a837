import BosunProvider
import GRDB

/// Builders for the errors the sim throws, so messages read the same everywhere.
enum SimError {
    static func notFound(_ kind: String, _ id: String) -> ProviderError {
        ProviderError.notFound("\(kind) \(id)")
    }

    static func incorrectState(_ message: String, retryable: Bool = false) -> ProviderError {
        ProviderError(retryable ? .retryable : .terminal, code: ProviderError.incorrectState, message: message)
    }

    static func invalid(_ message: String) -> ProviderError {
        ProviderError(.terminal, code: ProviderError.invalidParameter, message: message)
    }

    static func quota(_ message: String) -> ProviderError {
        ProviderError(.terminal, code: ProviderError.quotaExceeded, message: message)
    }

    /// A known idempotency key came back with other parameters.
    static func keyReused(_ key: String, by existing: String) -> ProviderError {
        terminal(SimErrorCode.idempotentParameterMismatch, "idempotency key \(key) already made \(existing) with other parameters")
    }

    static func terminal(_ code: String, _ message: String) -> ProviderError {
        ProviderError(.terminal, code: code, message: message)
    }

    /// Only `ProviderError` leaves the sim: SQLite contention and I/O trouble are retryable
    /// (another process holds the write lock, the disk is briefly full), broken invariants are not.
    static func wrap(_ error: any Error) -> ProviderError {
        switch error {
        case let error as ProviderError:
            return error
        case is CancellationError:
            return ProviderError(.retryable, code: SimErrorCode.cancelled, message: "call cancelled")
        case let error as DatabaseError:
            let detail = error.message ?? "\(error.resultCode)"
            switch error.resultCode {
            case .SQLITE_CONSTRAINT, .SQLITE_MISMATCH, .SQLITE_ERROR:
                return ProviderError(.terminal, code: "InternalError", message: "sim state rejected the change: \(detail)")
            case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
                return ProviderError(.terminal, code: SimErrorCode.stateDirectoryReadOnly, message: "sim state is not writable: \(detail)")
            default:
                return ProviderError(.retryable, code: ProviderError.unavailable, message: "sim state unavailable: \(detail)")
            }
        default:
            return ProviderError(.retryable, code: ProviderError.unavailable, message: "\(error)")
        }
    }
}
