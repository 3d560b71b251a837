import BosunProvider

/// The local provider's errors, as the `ProviderError`s the seam allows.
enum LocalError {
    static func terminal(_ code: String, _ message: String) -> ProviderError { ProviderError(.terminal, code: code, message: message) }
    static func retryable(_ code: String, _ message: String) -> ProviderError { ProviderError(.retryable, code: code, message: message) }

    /// Any error from below (SQLite, the file system) as a provider error; SQLite's busy and
    /// locked are retryable, the rest terminal.
    static func wrap(_ error: any Error) -> ProviderError {
        if let error = error as? ProviderError { return error }
        let text = "\(error)"
        if text.contains("SQLITE_BUSY") || text.contains("database is locked") { return retryable("Busy", text) }
        return terminal("LocalFailure", text)
    }
}
