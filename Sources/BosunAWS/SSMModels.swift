import Foundation

/// `SendCommand` request (the fields Bosun sends).
struct SendCommandRequest: Encodable {
    var DocumentName: String
    var InstanceIds: [String]
    var Parameters: [String: [String]]
    var TimeoutSeconds: Int
    var Comment: String
}

/// `SendCommand` answer.
struct SendCommandResponse: Decodable {
    struct Command: Decodable, Sendable {
        var CommandId: String
        /// `Pending` on AWS; a final status when the answer already knows (moto runs nothing).
        var Status: String?
    }
    var Command: Command
}

/// `GetCommandInvocation` request.
struct GetCommandInvocationRequest: Encodable {
    var CommandId: String
    var InstanceId: String
}

/// `GetCommandInvocation` answer.
struct GetCommandInvocationResponse: Decodable {
    var Status: String
    var StatusDetails: String?
    var StandardErrorContent: String?
    var ResponseCode: Int?
}

/// `DescribeInstanceInformation` request.
struct DescribeInstanceInformationRequest: Encodable {
    struct Filter: Encodable {
        var Key: String
        var Values: [String]
    }
    var Filters: [Filter]
    var MaxResults: Int
    var NextToken: String?
}

/// `DescribeInstanceInformation` answer.
struct DescribeInstanceInformationResponse: Decodable {
    struct Information: Decodable {
        var InstanceId: String
        var PingStatus: String?
        var LastPingDateTime: Date?
    }
    var InstanceInformationList: [Information]?
    var NextToken: String?
}

/// `ListCommands` request for one command.
struct ListCommandsRequest: Encodable {
    var CommandId: String
}

/// `ListCommands` answer: the command's status over all its instances.
struct ListCommandsResponse: Decodable {
    struct Command: Decodable {
        var CommandId: String
        var Status: String?
    }
    var Commands: [Command]?
}

struct PutParameterRequest: Encodable {
    var Name: String
    var Value: String
    var `Type`: String
    var Overwrite: Bool
    var Tier: String
}

struct PutParameterResponse: Decodable {
    var Version: Int?
}

struct GetParametersRequest: Encodable {
    var Names: [String]
    var WithDecryption: Bool
}

struct GetParametersResponse: Decodable {
    struct Parameter: Decodable {
        var Name: String
        var Value: String
    }
    var Parameters: [Parameter]?
    var InvalidParameters: [String]?
}
