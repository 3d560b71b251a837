/// A provider broke a rule of its contract (`docs/providers.md`). Thrown by the conformance
/// suite, so any test framework can `try await` a rule and report the message.
public struct ConformanceFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rule's id (`vm-create-idempotent`…), or a summary when several rules failed.
    public var rule: String
    /// What the provider did, against what the rule says.
    public var message: String

    public init(rule: String, message: String) {
        self.rule = rule
        self.message = message
    }

    public var description: String { "provider contract rule \(rule) broken: \(message)" }
}
