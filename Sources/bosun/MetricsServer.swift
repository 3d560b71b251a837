import BosunController
import BosunStore
import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus

/// `bosun run --metrics-address HOST:PORT`: `/metrics` (Prometheus text format), `/healthz`
/// and `/readyz`, served by Hummingbird. Gauges that come from the state database are read
/// when scraped (`Store.gauges`), so a scrape costs a few grouped counts, not per-cluster work.
struct MetricsServer {
    let metrics: ControllerMetrics
    let store: Store
    let queue: WorkQueue
    let readiness: Readiness
    let gauges: GaugeRefresher

    init(metrics: ControllerMetrics, store: Store, queue: WorkQueue, readiness: Readiness) {
        self.metrics = metrics
        self.store = store
        self.queue = queue
        self.readiness = readiness
        gauges = GaugeRefresher(metrics: metrics)
    }

    /// The HTTP application bound to `host:port`; `onListening` gets the bound address (port 0
    /// picks a free one).
    func application(host: String, port: Int, logger: Logger, onListening: @escaping @Sendable (String) -> Void) -> some ApplicationProtocol {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            await refresh()
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.emit())))
        }
        router.get("healthz") { _, _ -> String in "ok\n" }
        router.get("readyz") { _, _ -> Response in
            let problems = readiness.problems()
            let text = problems.isEmpty ? "ready\n" : "not ready: " + problems.joined(separator: "; ") + "\n"
            return Response(status: problems.isEmpty ? .ok : .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "bosun"),
            onServerRunning: { channel in
                let bound = channel.localAddress.map { "\($0.ipAddress ?? host):\($0.port ?? port)" } ?? "\(host):\(port)"
                onListening(bound)
            },
            logger: logger)
    }

    private func refresh() async {
        let high = await queue.depth(at: .high), normal = await queue.depth(at: .normal)
        gauges.queue(high: high, normal: normal)
        if let read = try? store.gauges() { gauges.store(read) }
    }

    /// `HOST:PORT` (an IPv6 host in brackets), or nil if it is not one.
    static func parse(_ address: String) -> (host: String, port: Int)? {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]), (0...65535).contains(port)
        else { return nil }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }
}
