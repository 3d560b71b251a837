import BosunProvider
import Foundation
import XMLCoder

/// The Query protocol of EC2 and ELBv2: form-encoded `Action=…&Version=…` POSTs answered with
/// XML, decoded with XMLCoder (error documents included).
public struct QueryClient: Sendable {
    public let transport: AWSTransport
    public let service: AWSService
    public let version: String

    public init(transport: AWSTransport, service: AWSService) {
        self.transport = transport
        self.service = service
        version = service == .ec2 ? "2016-11-15" : "2015-12-01"
    }

    /// Calls `action` with `parameters` (flattened Query names such as `Filter.1.Name`) and
    /// decodes the answer as `Response`.
    public func call<Response: Decodable>(
        _ action: String, _ parameters: [(String, String)] = [], as type: Response.Type
    ) async throws(AWSAPIError) -> Response {
        let data = try await send(action, parameters)
        do {
            return try Self.decode(Response.self, from: data)
        } catch {
            throw AWSAPIError(action: "\(service.rawValue):\(action)", status: 200, code: "MalformedResponse", message: "\(error)")
        }
    }

    /// Calls `action` and ignores the answer's body.
    public func call(_ action: String, _ parameters: [(String, String)] = []) async throws(AWSAPIError) {
        _ = try await send(action, parameters)
    }

    private func send(_ action: String, _ parameters: [(String, String)]) async throws(AWSAPIError) -> Data {
        let body = Self.formBody(action: action, version: version, parameters: parameters)
        return try await transport.post(
            service: service, action: action, headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], body: body,
            decodeError: { AWSErrorDocument.decodeXML($0) })
    }

    /// `Action=…&Version=…&name=value…`, each part percent-encoded.
    static func formBody(action: String, version: String, parameters: [(String, String)]) -> Data {
        let all = [("Action", action), ("Version", version)] + parameters
        return Data(all.map { "\(SigV4Signer.percentEncode($0.0))=\(SigV4Signer.percentEncode($0.1))" }.joined(separator: "&").utf8)
    }

    /// Decodes a Query API answer; namespaces are dropped.
    public static func decode<Response: Decodable>(_ type: Response.Type, from data: Data) throws -> Response {
        let decoder = XMLDecoder()
        decoder.shouldProcessNamespaces = true
        decoder.trimValueWhitespaces = true
        return try decoder.decode(Response.self, from: data)
    }
}

/// Builds flattened Query parameters: `Filter.1.Name`, `Filter.1.Value.1`, `TagSpecification.1…`.
public struct QueryParameters: Sendable {
    public private(set) var items: [(String, String)] = []

    public init() {}

    public mutating func add(_ name: String, _ value: String) { items.append((name, value)) }

    /// `prefix.1`, `prefix.2`, … (EC2 lists such as `InstanceId.1`).
    public mutating func list(_ prefix: String, _ values: [String]) {
        for (i, value) in values.enumerated() { items.append(("\(prefix).\(i + 1)", value)) }
    }

    /// `Filter.N.Name` and `Filter.N.Value.M` (EC2 filters).
    public mutating func filters(_ filters: [(name: String, values: [String])]) {
        for (i, filter) in filters.enumerated() {
            items.append(("Filter.\(i + 1).Name", filter.name))
            for (j, value) in filter.values.enumerated() { items.append(("Filter.\(i + 1).Value.\(j + 1)", value)) }
        }
    }

    /// `TagSpecification.N.ResourceType` and its `Tag.M.Key` / `Tag.M.Value`.
    public mutating func tagSpecification(_ index: Int, resourceType: String, tags: [(String, String)]) {
        items.append(("TagSpecification.\(index).ResourceType", resourceType))
        for (j, tag) in tags.enumerated() {
            items.append(("TagSpecification.\(index).Tag.\(j + 1).Key", tag.0))
            items.append(("TagSpecification.\(index).Tag.\(j + 1).Value", tag.1))
        }
    }
}
