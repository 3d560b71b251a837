import Foundation

/// An ELBv2 list (`<TargetGroups><member>…</member></TargetGroups>`).
public struct ELBList<Element: Decodable & Sendable>: Decodable, Sendable {
    public var members: [Element]

    enum CodingKeys: String, CodingKey { case member }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        members = try container.decodeIfPresent([Element].self, forKey: .member) ?? []
    }
}

/// A target group (the fields Bosun reads).
public struct ELBTargetGroup: Decodable, Sendable {
    public var TargetGroupArn: String
    public var TargetGroupName: String
    public var VpcId: String?
    public var Port: Int?
    public var `Protocol`: String?
}

/// `DescribeTargetGroupsResponse` (and `CreateTargetGroupResponse`, which has the same result shape).
public struct DescribeTargetGroupsResponse: Decodable, Sendable {
    public struct Result: Decodable, Sendable {
        public var TargetGroups: ELBList<ELBTargetGroup>?
        public var NextMarker: String?
    }

    public var result: Result

    enum CodingKeys: String, CodingKey {
        case describe = "DescribeTargetGroupsResult"
        case create = "CreateTargetGroupResult"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        result = try container.decodeIfPresent(Result.self, forKey: .describe) ?? container.decode(Result.self, forKey: .create)
    }

    public var targetGroups: [ELBTargetGroup] { result.TargetGroups?.members ?? [] }
}

/// `DescribeTargetHealthResponse`.
public struct DescribeTargetHealthResponse: Decodable, Sendable {
    public struct Description: Decodable, Sendable {
        public struct Target: Decodable, Sendable {
            public var Id: String
            public var Port: Int?
        }
        public struct Health: Decodable, Sendable { public var State: String? }
        public var Target: Target
        public var TargetHealth: Health?
    }

    public struct Result: Decodable, Sendable {
        public var TargetHealthDescriptions: ELBList<Description>?
    }

    public var DescribeTargetHealthResult: Result

    /// Target ids whose registration stands (not `draining`).
    public var members: [String] {
        (DescribeTargetHealthResult.TargetHealthDescriptions?.members ?? [])
            .filter { $0.TargetHealth?.State != "draining" }
            .map(\.Target.Id)
    }
}
