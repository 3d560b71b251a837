import BosunProvider
@testable import BosunAWS
import Testing

/// A refused `PutParameter` never carries AWS's message: a validation error quotes the value it
/// refused, and a node configuration's value holds secrets.
@Suite struct ConfigSecrecyTests {
    @Test func aRefusedParameterWriteKeepsItsCodeAndClassButNotTheValue() {
        let secret = "-----BEGIN PRIVATE KEY-----MIGHAgEAMBMG"
        let refusals = [
            AWSAPIError(action: "ssm:PutParameter", status: 400, code: "ValidationException",
                        message: "1 validation error detected: Value '{\"password\":\"\(secret)\"}' at 'value' failed to satisfy constraint"),
            AWSAPIError(action: "ssm:PutParameter", status: 400, code: "ThrottlingException", message: "Rate exceeded for \(secret)"),
        ]
        for refusal in refusals {
            let plain = refusal.providerError()
            #expect(plain.message.contains(secret), "the hazard is real: AWS's text goes into the error")
            let withheld = AWSProvider.withheld(plain, parameter: "/bosun/c/master/config-0123/000")
            #expect(!withheld.message.contains(secret) && !withheld.message.contains("BEGIN"))
            #expect(withheld.code == plain.code && withheld.kind == plain.kind && withheld.retryAfter == plain.retryAfter)
            #expect(withheld.message.hasPrefix("ssm:PutParameter /bosun/c/master/config-0123/000: \(plain.code) (AWS's message is withheld"))
        }
        // Anything else (a connection that broke mid-write) is withheld the same way.
        struct Broken: Error {}
        let other = AWSProvider.withheld(Broken(), parameter: "/p/000")
        #expect(other.code == "PutParameterFailed" && !other.isRetryable)
    }
}
