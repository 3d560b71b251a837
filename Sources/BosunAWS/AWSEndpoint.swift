import Foundation

/// The AWS services Bosun calls, with what SigV4 and endpoint resolution need to know.
public enum AWSService: String, Sendable, Hashable, CaseIterable {
    case ec2
    case elbv2 = "elasticloadbalancing"
    case ssm

    /// The signing name in the credential scope (`…/us-east-1/ec2/aws4_request`).
    public var signingName: String { rawValue }

    /// The suffix of the per-service override variable, `AWS_ENDPOINT_URL_<ID>`.
    public var environmentID: String {
        switch self {
        case .ec2: "EC2"
        case .elbv2: "ELASTIC_LOAD_BALANCING_V2"
        case .ssm: "SSM"
        }
    }

    /// The regional endpoint on AWS itself.
    public func defaultEndpoint(region: String) -> URL {
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return URL(string: "https://\(rawValue).\(region).\(suffix)")!
    }
}

/// Where each service is reached: `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`, else
/// the regional AWS endpoint.
public struct AWSEndpoints: Sendable, Hashable {
    public var overrides: [AWSService: URL]
    public var global: URL?

    public init(overrides: [AWSService: URL] = [:], global: URL? = nil) {
        self.overrides = overrides
        self.global = global
    }

    /// Reads the override variables from `environment`. A value that is not an http(s) URL
    /// is an error naming the variable.
    public init(environment: [String: String]) throws(AWSConfigurationError) {
        func url(_ name: String) throws(AWSConfigurationError) -> URL? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            guard let url = URL(string: value), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw AWSConfigurationError("\(name) is not an http(s) URL: \(value)")
            }
            return url
        }
        var overrides: [AWSService: URL] = [:]
        for service in AWSService.allCases {
            if let value = try url("AWS_ENDPOINT_URL_\(service.environmentID)") { overrides[service] = value }
        }
        self.init(overrides: overrides, global: try url("AWS_ENDPOINT_URL"))
    }

    public func url(for service: AWSService, region: String) -> URL {
        overrides[service] ?? global ?? service.defaultEndpoint(region: region)
    }
}

/// A configuration problem found before any call: no credentials, no region, a bad endpoint.
public struct AWSConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
