import Foundation

/// The JSON 1.1 protocol of SSM: POST `/` with `X-Amz-Target: AmazonSSM.<Action>` and a JSON
/// body; errors as `{"__type": …, "message": …}`.
public struct SSMClient: Sendable {
    public let transport: AWSTransport

    public init(transport: AWSTransport) { self.transport = transport }

    /// Calls `action` with `request` encoded as JSON and decodes the answer as `Response`.
    public func call<Request: Encodable, Response: Decodable>(
        _ action: String, _ request: Request, as type: Response.Type
    ) async throws(AWSAPIError) -> Response {
        let body: Data
        do { body = try JSONEncoder().encode(request) } catch {
            throw AWSAPIError(action: "ssm:\(action)", status: 0, code: "InvalidRequest", message: "\(error)")
        }
        let data = try await transport.post(
            service: .ssm, action: action,
            headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "AmazonSSM.\(action)")], body: body,
            decodeError: { AWSErrorDocument.decodeJSON($0) })
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            return try decoder.decode(Response.self, from: data)
        } catch {
            throw AWSAPIError(action: "ssm:\(action)", status: 200, code: "MalformedResponse", message: "\(error)")
        }
    }
}
