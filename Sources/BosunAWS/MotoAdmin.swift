import AsyncHTTPClient
import Foundation

/// moto's own admin API, for `bosun bench aws` (and nothing that talks to AWS itself).
public enum MotoAdmin {
    /// `POST <endpoint>/moto-api/reset`: empties every service of every region. Returns the
    /// HTTP status (200 when moto answered).
    public static func reset(endpoint: String) async throws -> Int {
        var request = HTTPClientRequest(url: endpoint + "/moto-api/reset")
        request.method = .POST
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }
}
