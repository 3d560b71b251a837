import Foundation
import XMLCoder

/// The error bodies AWS answers with, decoded into `(code, message)`:
/// EC2's `<Response><Errors><Error><Code/><Message/></Error></Errors>`, the other Query APIs'
/// `<ErrorResponse><Error><Type/><Code/><Message/></Error>`, and the JSON protocol's
/// `{"__type": "…#Code", "message": "…"}`.
enum AWSErrorDocument {
    struct Detail: Decodable {
        var Code: String?
        var Message: String?
    }

    /// EC2 style.
    struct EC2Response: Decodable {
        struct Errors: Decodable { var Error: [Detail]? }
        var Errors: Errors?
    }

    /// ELBv2 (and other Query APIs) style.
    struct QueryResponse: Decodable {
        var Error: Detail?
    }

    struct JSONResponse: Decodable {
        var __type: String?
        var message: String?
        var Message: String?
    }

    /// The code and message of an XML error body, or nil if it is not one.
    static func decodeXML(_ data: Data) -> (code: String, message: String)? {
        let decoder = XMLDecoder()
        decoder.shouldProcessNamespaces = true
        if let ec2 = try? decoder.decode(EC2Response.self, from: data), let detail = ec2.Errors?.Error?.first, let code = detail.Code {
            return (code, detail.Message ?? "")
        }
        if let query = try? decoder.decode(QueryResponse.self, from: data), let code = query.Error?.Code {
            return (code, query.Error?.Message ?? "")
        }
        return nil
    }

    /// The code and message of a JSON error body, or nil if it is not one. The code is the
    /// part of `__type` after `#`.
    static func decodeJSON(_ data: Data) -> (code: String, message: String)? {
        guard let body = try? JSONDecoder().decode(JSONResponse.self, from: data), let type = body.__type else { return nil }
        let code = type.split(separator: "#").last.map(String.init) ?? type
        return (code, body.message ?? body.Message ?? "")
    }
}
