import AsyncHTTPClient
import BosunProvider
import Foundation
import NIOCore
import Synchronization

/// Sends signed requests to one region's endpoints over one shared `HTTPClient`, counts them,
/// and turns every failure into `AWSAPIError`. A refusal (throttling, 503) is resent after an
/// exponential backoff up to `refusalAttempts` times, since AWS did not act on it; anything
/// else is left to the caller (the executor retries retryable errors itself).
public final class AWSTransport: Sendable {
    public let configuration: AWSConfiguration
    public let calls: AWSCallCounter
    let client: HTTPClient
    let refusalAttempts: Int
    let requestTimeout: TimeAmount
    private let writes = Atomic<Int>(0)

    /// Bumped before and after every call that may change what `DescribeInstances` answers
    /// (`instanceChanges`), so readers can tell whether a cached description may be stale.
    /// `CreateTags` and `AttachVolume` are not counted: the provider applies their effect to
    /// what it cached (`InstanceMemo.patch`).
    public var writeGeneration: Int { writes.load(ordering: .acquiring) }

    /// EC2 actions that change instances as `DescribeInstances` reports them.
    static let instanceChanges: Set<String> = [
        "RunInstances", "StartInstances", "StopInstances", "RebootInstances", "TerminateInstances", "DetachVolume",
        "ModifyInstanceAttribute", "DeleteTags",
    ]

    public init(configuration: AWSConfiguration, calls: AWSCallCounter = AWSCallCounter(), refusalAttempts: Int = 4, requestTimeout: TimeAmount = .seconds(30)) {
        self.configuration = configuration
        self.calls = calls
        self.refusalAttempts = refusalAttempts
        self.requestTimeout = requestTimeout
        // The process-wide client: it lives as long as the process and needs no shutdown.
        client = HTTPClient.shared
    }

    /// POSTs `body` to `service` as `action`, signed; returns the body of a 2xx answer. An
    /// error answer is decoded with `decodeError` (XML or JSON, by protocol).
    func post(
        service: AWSService, action: String, headers extra: [(name: String, value: String)], body: Data,
        decodeError: @Sendable (Data) -> (code: String, message: String)?
    ) async throws(AWSAPIError) -> Data {
        let label = "\(service == .elbv2 ? "elbv2" : service.rawValue):\(action)"
        let isWrite = service == .ec2 && Self.instanceChanges.contains(action)
        // Before and after: a read that overlapped the write is stale either way.
        if isWrite { writes.add(1, ordering: .releasing) }
        defer { if isWrite { writes.add(1, ordering: .releasing) } }
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await once(service: service, label: label, headers: extra, body: body, decodeError: decodeError)
            } catch {
                guard error.isRefusal, attempt < refusalAttempts else { throw error }
                let base = 0.2 * pow(2, Double(attempt - 1))
                try? await Task.sleep(for: .milliseconds(Int(base * 1000 * Double.random(in: 0.5...1.0))))
            }
        }
    }

    private func once(
        service: AWSService, label: String, headers extra: [(name: String, value: String)], body: Data,
        decodeError: @Sendable (Data) -> (code: String, message: String)?
    ) async throws(AWSAPIError) -> Data {
        let url = configuration.endpoints.url(for: service, region: configuration.region)
        let host = url.port.map { "\(url.host!):\($0)" } ?? url.host!
        let path = url.path.isEmpty ? "/" : url.path
        let signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region, service: service.signingName)
        let unsigned = SigV4Signer.Request(method: "POST", path: path, headers: [("Host", host)] + extra, body: body)
        let signature = signer.sign(unsigned, date: Date())

        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        for (name, value) in unsigned.headers + signature.headers { request.headers.add(name: name, value: value) }
        request.headers.add(name: "Content-Length", value: String(body.count))
        request.body = .bytes(ByteBuffer(bytes: body))
        calls.record(label)

        let response: HTTPClientResponse
        let data: Data
        do {
            response = try await client.execute(request, timeout: requestTimeout)
            let buffer = try await response.body.collect(upTo: 64 << 20)
            data = Data(buffer.readableBytesView)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw AWSAPIError(action: label, status: 0, code: ProviderError.timeout, message: "no answer within the timeout; the call may have taken effect")
        } catch {
            throw AWSAPIError(action: label, status: 0, code: "ConnectionFailed", message: "\(url.host ?? ""): \(error)")
        }
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            if let (code, message) = decodeError(data) {
                throw AWSAPIError(action: label, status: status, code: code, message: message)
            }
            let snippet = String(decoding: data.prefix(200), as: UTF8.self)
            throw AWSAPIError(action: label, status: status, code: "HTTP\(status)", message: snippet)
        }
        return data
    }
}
