/// Why a credential could not be generated, sealed or opened. Messages name files and
/// credentials, never a secret value.
public struct CredentialError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
