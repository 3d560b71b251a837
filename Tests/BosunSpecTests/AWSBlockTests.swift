import BosunModel
import BosunSpec
import Foundation
import Testing

/// The optional `aws:` block: read into `ClusterSpec.aws`, validated as strictly as the rest
/// (first problem at `file:line:column`), absent by default.
@Suite struct AWSBlockTests {
    static let base = """
        name: prod
        provider: aws
        region: us-east-1
        image: ami-12c6146b
        kubernetes: { version: "1.31.2" }
        groups:
          - name: master
            instances: 3
            azs: [us-east-1a, us-east-1b]
            vmType: t3.medium
            jobs: [kubelet]

        """

    static func first(_ yaml: String) -> String? {
        if case .failure(let rejection) = Fixtures.decode(yaml) { return rejection.issues.first?.description }
        return nil
    }

    @Test func withoutTheBlockTheSpecRunsOnTheDefaultVPC() throws {
        let spec = try Fixtures.decode(Self.base).get()
        #expect(spec.aws == nil)
    }

    @Test func everyField() throws {
        let spec = try Fixtures.decode(Self.base + """
            aws:
              subnets:
                us-east-1a: subnet-0123456789abcdef0
              securityGroups: [sg-0123456789abcdef0, sg-00000000aaaabbbb1]
              keyPair: ops key
              instanceProfile: bosun-node
              rootDiskGiB: 50
              targetGroup:
                protocol: TCP
                port: 443
                healthCheck: { protocol: HTTPS, port: traffic-port, path: /readyz }

            """).get()
        let aws = try #require(spec.aws)
        #expect(aws.subnets == ["us-east-1a": "subnet-0123456789abcdef0"])
        #expect(aws.securityGroups == ["sg-0123456789abcdef0", "sg-00000000aaaabbbb1"])
        #expect(aws.keyPair == "ops key")
        #expect(aws.instanceProfile == "bosun-node")
        #expect(aws.rootDiskGiB == 50)
        #expect(aws.targetGroup == AWSTargetGroupSettings(protocol: "TCP", port: 443, healthCheckProtocol: "HTTPS", healthCheckPort: "traffic-port", healthCheckPath: "/readyz"))
    }

    @Test func anEmptyBlockMeansTheDefaults() throws {
        let spec = try Fixtures.decode(Self.base + "aws: {}\n").get()
        #expect(spec.aws == AWSClusterSettings())
        #expect(spec.aws?.targetGroup.port == 6443)
    }

    @Test func aSpecWithoutTheBlockKeepsItsCanonicalHash() throws {
        // Specs accepted before the block existed must not change generation.
        let spec = try Fixtures.decode(Self.base).get()
        #expect(!(try CanonicalSpec(spec)).json.contains("\"aws\":"))
    }

    @Test(arguments: [
        ("aws:\n  subnet: {}\n", "c.yaml:13:3: aws.subnet: unknown field; did you mean 'subnets'?"),
        ("aws:\n  subnets: { us-east-1a: sub-1 }\n", "c.yaml:13:26: aws.subnets.us-east-1a: must be a subnet id such as \"subnet-0123456789abcdef0\", got 'sub-1'"),
        ("aws:\n  subnets: { us-east-1c: subnet-0123456789abcdef0 }\n", "c.yaml:13:14: aws.subnets.us-east-1c: no group uses availability zone 'us-east-1c' (groups use: us-east-1a, us-east-1b)"),
        ("aws:\n  securityGroups: [sg-0123456789abcdef0, sg-0123456789abcdef0]\n", "c.yaml:13:42: aws.securityGroups[1]: duplicate security group 'sg-0123456789abcdef0'"),
        ("aws:\n  rootDiskGiB: 0\n", "c.yaml:13:16: aws.rootDiskGiB: must be from 1 to 16384, got 0"),
        ("aws:\n  targetGroup: { protocol: SCTP }\n", "c.yaml:13:28: aws.targetGroup.protocol: must be one of TCP, TLS, UDP, TCP_UDP, HTTP, HTTPS, got 'SCTP'"),
        ("aws:\n  targetGroup: { healthCheck: { path: /readyz } }\n", "c.yaml:13:39: aws.targetGroup.healthCheck.path: a path needs an HTTP or HTTPS health check"),
        ("aws:\n  instanceProfile: \"bad profile\"\n", "c.yaml:13:20: aws.instanceProfile: must be an instance profile name: 1 to 128 of letters, digits and + = , . @ _ -, got 'bad profile'"),
    ])
    func rejected(_ block: String, _ error: String) {
        #expect(Self.first(Self.base + block) == error)
    }

    @Test func onlyForProviderAWS() {
        let sim = Fixtures.minimal + "aws: {}\n"
        #expect(Self.first(sim) == "c.yaml:11:6: aws: only for provider 'aws', not 'sim'")
    }
}
