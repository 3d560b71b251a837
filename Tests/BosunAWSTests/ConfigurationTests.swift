@testable import BosunAWS
import Foundation
import Testing

/// The standard AWS chain: environment, then the shared credentials and config files with
/// `AWS_PROFILE`; region and endpoint overrides; secrets never in messages.
@Suite struct ConfigurationTests {
    let home: String

    init() throws {
        home = NSTemporaryDirectory() + "bosun-aws-config-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: home + "/.aws", withIntermediateDirectories: true)
        try """
            [default]
            aws_access_key_id = AKIDDEFAULT
            aws_secret_access_key = default-secret

            # a comment
            [ops]
            aws_access_key_id=AKIDOPS
            aws_secret_access_key=ops-secret
            aws_session_token = ops-token
            """.write(toFile: home + "/.aws/credentials", atomically: true, encoding: .utf8)
        try """
            [default]
            region = eu-west-1
            [profile ops]
            region = ap-southeast-2
            [profile cfgonly]
            aws_access_key_id = AKIDCONFIG
            aws_secret_access_key = config-secret
            """.write(toFile: home + "/.aws/config", atomically: true, encoding: .utf8)
    }

    @Test func environmentCredentialsWinOverFiles() throws {
        let c = try AWSConfiguration.resolve(environment: [
            "HOME": home, "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "env-token",
            "AWS_REGION": "us-west-2",
        ])
        #expect(c.credentials == AWSCredentials(accessKeyID: "AKIDENV", secretAccessKey: "env-secret", sessionToken: "env-token"))
        #expect(c.region == "us-west-2")
        #expect(c.liveness == .ssm)
    }

    @Test func profilesFromTheSharedFiles() throws {
        let byDefault = try AWSConfiguration.resolve(environment: ["HOME": home])
        #expect(byDefault.credentials.accessKeyID == "AKIDDEFAULT")
        #expect(byDefault.region == "eu-west-1")
        let ops = try AWSConfiguration.resolve(environment: ["HOME": home, "AWS_PROFILE": "ops"])
        #expect(ops.credentials == AWSCredentials(accessKeyID: "AKIDOPS", secretAccessKey: "ops-secret", sessionToken: "ops-token"))
        #expect(ops.region == "ap-southeast-2")
        let configOnly = try AWSConfiguration.resolve(environment: ["HOME": home, "AWS_PROFILE": "cfgonly"], region: "us-east-2")
        #expect(configOnly.credentials.accessKeyID == "AKIDCONFIG")
        #expect(configOnly.region == "us-east-2")  // the profile names none: the fallback (the spec's)
    }

    @Test func regionPrecedence() throws {
        let env = ["HOME": home, "AWS_DEFAULT_REGION": "ca-central-1"]
        #expect(try AWSConfiguration.resolve(environment: env).region == "ca-central-1")
        #expect(try AWSConfiguration.resolve(environment: env.merging(["AWS_REGION": "sa-east-1"]) { $1 }).region == "sa-east-1")
        #expect(try AWSConfiguration.resolve(environment: env, region: "us-east-1").with(region: "us-east-1").region == "us-east-1")
    }

    @Test func missingCredentialsOrRegionSayWhatToSet() {
        let empty = NSTemporaryDirectory() + "bosun-aws-nohome-\(UUID().uuidString.prefix(8))"
        let noCredentials = #expect(throws: AWSConfigurationError.self) { try AWSConfiguration.resolve(environment: ["HOME": empty, "AWS_REGION": "us-east-1"]) }
        #expect(noCredentials?.message.contains("AWS_ACCESS_KEY_ID") == true)
        let noRegion = #expect(throws: AWSConfigurationError.self) {
            try AWSConfiguration.resolve(environment: ["HOME": empty, "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "s"])
        }
        #expect(noRegion?.message.contains("AWS_REGION") == true)
        #expect(noRegion?.message.contains("s") == true)
        #expect(noRegion?.message.contains("secret") != true)
    }

    @Test func endpointOverrides() throws {
        let env = [
            "HOME": home, "AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_SSM": "http://127.0.0.1:6000",
            "BOSUN_AWS_LIVENESS": "instance-state",
        ]
        let c = try AWSConfiguration.resolve(environment: env)
        #expect(c.endpoints.url(for: .ec2, region: c.region).absoluteString == "http://127.0.0.1:5000")
        #expect(c.endpoints.url(for: .elbv2, region: c.region).absoluteString == "http://127.0.0.1:5000")
        #expect(c.endpoints.url(for: .ssm, region: c.region).absoluteString == "http://127.0.0.1:6000")
        #expect(c.liveness == .instanceState)
        let aws = try AWSConfiguration.resolve(environment: ["HOME": home])
        #expect(aws.endpoints.url(for: .elbv2, region: "eu-west-1").absoluteString == "https://elasticloadbalancing.eu-west-1.amazonaws.com")
        #expect(AWSService.elbv2.environmentID == "ELASTIC_LOAD_BALANCING_V2")
        #expect(throws: AWSConfigurationError.self) { try AWSConfiguration.resolve(environment: ["HOME": home, "AWS_ENDPOINT_URL_EC2": "localhost:5000"]) }
        #expect(throws: AWSConfigurationError.self) { try AWSConfiguration.resolve(environment: ["HOME": home, "BOSUN_AWS_LIVENESS": "ping"]) }
    }

    @Test func targetGroupNames() {
        #expect(AWSProvider.targetGroupName("prod-api") == "prod-api")
        let long = AWSProvider.targetGroupName("conf-attach-attached-elsewhere-lb")
        #expect(long.hasPrefix("bosun-") && long.count == 32)
        #expect(AWSProvider.targetGroupName("a_b") != "a_b")
        #expect(AWSProvider.targetGroupName("conf-attach-attached-elsewhere-lb") == long)  // stable
    }
}
