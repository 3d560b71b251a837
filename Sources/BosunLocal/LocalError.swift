import BosunProvider
import GRDB

/// The local provider's errors, as the `ProviderError`s the seam allows.
enum LocalError {
    static func terminal(_ code: String, _ message: String) -> ProviderError { ProviderError(.terminal, code: code, message: message) }
    static func retryable(_ code: String, _ message: String) -> ProviderError { ProviderError(.retryable, code: code, message: message) }

    /// Any error from below (SQLite, the file system) as a provider error; SQLite's busy and
    /// locked are retryable, the rest terminal.
    static func wrap(_ error: any Error) -> ProviderError {
        if let error = error as? ProviderError { return error }
        if let error = error as? DatabaseError {
            let text = error.message ?? "\(error.resultCode)"
            return [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode) ? retryable("Busy", text) : terminal("LocalFailure", text)
        }
        return terminal("LocalFailure", "\(error)")
    }
}
