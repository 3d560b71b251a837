import BosunModel
import BosunSpec
import Testing

/// The `credentials:` block: defaults, accepted forms, and each bad form with its exact error.
@Suite struct CredentialPolicyTests {
    static func spec(_ block: String, variables: Bool = true) -> String {
        """
        name: demo
        provider: sim
        image: img-1
        kubernetes: { version: "1.31.2" }
        \(block)
        \(variables ? """
        variables:
          - name: ca
            type: certificate
            options: { is_ca: true, duration: 90 }
        """ : "")
        groups:
          - { name: master, instances: 1, azs: [z1], vmType: small, jobs: [etcd] }

        """
    }

    @Test func absentMeansThirtyDaysAndNoAutomaticRotationAndKeepsTheCanonicalForm() throws {
        let spec = try Fixtures.decode(Self.spec("")).get()
        #expect(spec.credentials == nil && spec.credentialPolicy == .defaults)
        #expect(spec.credentialPolicy.rotateBeforeSeconds == 30 * 86_400 && !spec.credentialPolicy.autoRotate)
        #expect(!(try CanonicalSpec(spec)).json.contains("credentials"))
    }

    @Test func hoursAndDaysAreAccepted() throws {
        let days = try Fixtures.decode(Self.spec("credentials: { rotateBefore: 14d, autoRotate: true }")).get()
        #expect(days.credentials == CredentialPolicy(rotateBeforeSeconds: 14 * 86_400, autoRotate: true))
        let hours = try Fixtures.decode(Self.spec("credentials: { rotateBefore: 72h }")).get()
        #expect(hours.credentialPolicy.rotateBeforeSeconds == 72 * 3600 && !hours.credentialPolicy.autoRotate)
    }

    @Test(arguments: [
        ("credentials: { rotateBefore: 30 }", "c.yaml:5:30: credentials.rotateBefore: expected a duration from 1h to 3650d such as 30d or 72h, got the integer 30 (add a unit: 30d)"),
        ("credentials: { rotateBefore: 10m }", "c.yaml:5:30: credentials.rotateBefore: expected a duration from 1h to 3650d such as 30d or 72h, got 10m"),
        ("credentials: { autoRotate: sometimes }", "c.yaml:5:28: credentials.autoRotate: expected true or false, got the string 'sometimes'"),
        ("credentials: { rotate: 30d }", "c.yaml:5:16: credentials.rotate: unknown field; allowed here: rotateBefore, autoRotate"),
        ("credentials: { rotateBefore: 90d }", "c.yaml:5:14: credentials.rotateBefore: must be shorter than every certificate's duration; ca lasts 90d"),
    ])
    func rejectedWithExactError(_ block: String, _ error: String) {
        Fixtures.expectRejected(Self.spec(block), firstIssue: error, block)
    }

    @Test func aBlockWithoutVariablesIsAnError() {
        Fixtures.expectRejected(
            Self.spec("credentials: { rotateBefore: 30d }", variables: false),
            firstIssue: "c.yaml:5:14: credentials: applies to declared credentials; this spec has no variables:", "no variables")
    }
}
