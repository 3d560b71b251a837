@testable import BosunAWS
import Foundation
import Testing

/// SigV4 against AWS's published signing test suite (`Fixtures/sigv4`, the header-signed cases
/// of the suite as shipped in awslabs/aws-c-auth): canonical request, string to sign and
/// signature must match byte for byte.
@Suite struct SigV4Tests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var directory: URL
        var description: String { name }
    }

    static let cases: [Case] = {
        let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("sigv4")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.sorted().filter { !$0.contains(".") }.map { Case(name: $0, directory: root.appendingPathComponent($0)) }
    }()

    struct Context: Decodable {
        struct Credentials: Decodable {
            var access_key_id: String
            var secret_access_key: String
            var token: String?
        }
        var credentials: Credentials
        var region: String
        var service: String
        var sign_body: Bool
        var timestamp: String
        var omit_session_token: Bool?
    }

    @Test func theSuiteIsThere() {
        #expect(Self.cases.count >= 30)
    }

    @Test(arguments: cases)
    func vector(_ c: Case) throws {
        let context = try JSONDecoder().decode(Context.self, from: Data(contentsOf: c.directory.appendingPathComponent("context.json")))
        let request = try Self.parse(String(contentsOf: c.directory.appendingPathComponent("request.txt"), encoding: .utf8))
        let signer = SigV4Signer(
            credentials: AWSCredentials(
                accessKeyID: context.credentials.access_key_id, secretAccessKey: context.credentials.secret_access_key,
                sessionToken: context.credentials.token),
            region: context.region, service: context.service)
        let date = try #require(ISO8601DateFormatter().date(from: context.timestamp))
        let signature = signer.sign(request, date: date, signPayloadHeader: context.sign_body, signSessionToken: !(context.omit_session_token ?? false))
        let expected = { (file: String) in try String(contentsOf: c.directory.appendingPathComponent(file), encoding: .utf8) }
        #expect(signature.canonicalRequest == (try expected("header-canonical-request.txt")))
        #expect(signature.stringToSign == (try expected("header-string-to-sign.txt")))
        #expect(signature.signature == (try expected("header-signature.txt")).trimmingCharacters(in: .whitespacesAndNewlines))
        let authorization = signature.headers.first { $0.name == "Authorization" }?.value ?? ""
        #expect(authorization.hasSuffix("Signature=\(signature.signature)"))
        #expect(authorization.contains("Credential=\(context.credentials.access_key_id)/"))
    }

    @Test func credentialsNeverPrintTheirSecrets() {
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG", sessionToken: "tok3n")
        for text in ["\(credentials)", String(describing: credentials), String(reflecting: credentials)] {
            #expect(!text.contains("wJalr"))
            #expect(!text.contains("tok3n"))
            #expect(text.contains("AKIDEXAMPLE"))
        }
    }

    /// An HTTP/1.1 request as the suite writes it: request line, headers (continuation lines
    /// start with whitespace), blank line, body.
    static func parse(_ text: String) throws -> SigV4Signer.Request {
        var lines = text.components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        let method = String(requestLine.prefix { $0 != " " })
        let target = String(requestLine.dropFirst(method.count + 1).dropLast(" HTTP/1.1".count))
        var headers: [(name: String, value: String)] = []
        var body = ""
        while !lines.isEmpty {
            let line = lines.removeFirst()
            if line.isEmpty {
                body = lines.joined(separator: "\n")
                break
            }
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += "\n" + line
                continue
            }
            let colon = try #require(line.firstIndex(of: ":"))
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        let path = String(target.prefix { $0 != "?" })
        var query: [(name: String, value: String)] = []
        if let mark = target.firstIndex(of: "?") {
            for part in target[target.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: true) {
                let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(pieces[0]).removingPercentEncoding ?? String(pieces[0])
                let value = pieces.count > 1 ? (String(pieces[1]).removingPercentEncoding ?? String(pieces[1])) : ""
                query.append((name, value))
            }
        }
        return SigV4Signer.Request(method: method, path: path, query: query, headers: headers, body: Data(body.utf8))
    }
}
