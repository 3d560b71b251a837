import Foundation

/// Everything the AWS provider needs before its first call: region, credentials, endpoints
/// and how agent liveness is read. `resolve(environment:region:)` follows the standard AWS
/// chain, so the same binary runs against AWS and against moto.
public struct AWSConfiguration: Sendable {
    /// How the agent's liveness is read.
    public enum Liveness: String, Sendable, Hashable {
        /// SSM `DescribeInstanceInformation`: online instances report their last ping.
        case ssm
        /// The EC2 state alone (a running instance counts as alive, heartbeat = now). For
        /// endpoints without `DescribeInstanceInformation`, such as moto 5.
        case instanceState = "instance-state"
    }

    public var region: String
    public var credentials: AWSCredentials
    public var endpoints: AWSEndpoints
    public var liveness: Liveness

    public init(region: String, credentials: AWSCredentials, endpoints: AWSEndpoints = AWSEndpoints(), liveness: Liveness = .ssm) {
        self.region = region
        self.credentials = credentials
        self.endpoints = endpoints
        self.liveness = liveness
    }

    /// The standard chain:
    /// - credentials: `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`),
    ///   else the profile `AWS_PROFILE` (default `default`) of the shared credentials file
    ///   (`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`), else of the config file
    ///   (`AWS_CONFIG_FILE`, default `~/.aws/config`);
    /// - region: `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the profile's `region`, else
    ///   `fallbackRegion` (the spec's);
    /// - endpoints: `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`, else AWS's;
    /// - liveness: `BOSUN_AWS_LIVENESS` (`ssm`, the default, or `instance-state`).
    public static func resolve(environment: [String: String], region fallbackRegion: String? = nil) throws(AWSConfigurationError) -> AWSConfiguration {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let profile = nonEmpty(environment["AWS_PROFILE"]) ?? "default"
        let credentialsFile = AWSSharedConfig.load(path: nonEmpty(environment["AWS_SHARED_CREDENTIALS_FILE"]) ?? home + "/.aws/credentials")
        let configFile = AWSSharedConfig.load(path: nonEmpty(environment["AWS_CONFIG_FILE"]) ?? home + "/.aws/config")

        let credentials: AWSCredentials
        if let key = nonEmpty(environment["AWS_ACCESS_KEY_ID"]), let secret = nonEmpty(environment["AWS_SECRET_ACCESS_KEY"]) {
            credentials = AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: nonEmpty(environment["AWS_SESSION_TOKEN"]))
        } else if let found = profileCredentials(credentialsFile.credentialsProfile(profile))
            ?? profileCredentials(configFile.configProfile(profile))
        {
            credentials = found
        } else {
            throw AWSConfigurationError(
                "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with a profile in the shared credentials file (profile '\(profile)' has none)")
        }

        let region = nonEmpty(environment["AWS_REGION"]) ?? nonEmpty(environment["AWS_DEFAULT_REGION"])
            ?? nonEmpty(configFile.configProfile(profile)?["region"]) ?? nonEmpty(fallbackRegion)
        guard let region else {
            throw AWSConfigurationError("no AWS region: set AWS_REGION, a region in the profile, or region: in the spec")
        }
        let liveness: Liveness
        switch nonEmpty(environment["BOSUN_AWS_LIVENESS"]) {
        case nil: liveness = .ssm
        case let value?:
            guard let parsed = Liveness(rawValue: value) else {
                throw AWSConfigurationError("BOSUN_AWS_LIVENESS must be 'ssm' or 'instance-state', not '\(value)'")
            }
            liveness = parsed
        }
        return AWSConfiguration(region: region, credentials: credentials, endpoints: try AWSEndpoints(environment: environment), liveness: liveness)
    }

    /// Like `resolve`, but the spec's region wins over the environment's: used when a spec
    /// names its region and the controller serves it.
    public func with(region: String) -> AWSConfiguration {
        var copy = self
        copy.region = region
        return copy
    }

    private static func profileCredentials(_ values: [String: String]?) -> AWSCredentials? {
        guard let values, let key = nonEmpty(values["aws_access_key_id"]), let secret = nonEmpty(values["aws_secret_access_key"]) else {
            return nil
        }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: nonEmpty(values["aws_session_token"]))
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
