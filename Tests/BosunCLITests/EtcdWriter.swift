import BosunLocal
import Foundation
import Synchronization

/// A client that puts one key every 100 ms through the load balancer, each write a new
/// `etcdctl` (a new TLS connection) with a 1 s timeout, re-reading its certificate files every
/// time: the writer of the local provider's zero-loss claims. It runs on its own thread, not
/// on Swift concurrency's few.
final class EtcdWriter: Sendable {
    let endpoint: String
    let tls: String
    private let state = Mutex<(next: Int, acked: [Int], failed: [(Int, String)], stop: Bool, done: Bool)>((0, [], [], false, false))

    init(endpoint: String, tls: String, startAt: Int = 0) {
        self.endpoint = endpoint
        self.tls = tls
        state.withLock { $0.next = startAt }
    }

    func start() {
        let thread = Thread { [self] in
            while !state.withLock({ $0.stop }) {
                let n = state.withLock { s -> Int in
                    s.next += 1
                    return s.next
                }
                let began = Date()
                let result = Self.etcdctl(endpoint: endpoint, tls: tls, ["put", "/w/\(n)", "v\(n)"])
                state.withLock { s in
                    if result.status == 0 {
                        s.acked.append(n)
                    } else {
                        // When it ran, to set beside the journal's action times.
                        let span = "\(Self.clock(began))–\(Self.clock(Date()))"
                        s.failed.append((n, "[\(span)] " + result.errors.suffix(200).description))
                    }
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            state.withLock { $0.done = true }
        }
        thread.start()
    }

    /// Stops after the write in flight; returns (writes acknowledged, writes failed with why).
    func stop() -> (acked: [Int], failed: [(Int, String)]) {
        state.withLock { $0.stop = true }
        while !state.withLock({ $0.done }) { Thread.sleep(forTimeInterval: 0.02) }
        return state.withLock { ($0.acked, $0.failed) }
    }

    var writes: Int { state.withLock { $0.acked.count + $0.failed.count } }

    static func clock(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        let day = t.truncatingRemainder(dividingBy: 86_400)
        return String(format: "%02d:%02d:%06.3f", Int(day / 3600), Int(day.truncatingRemainder(dividingBy: 3600) / 60), day.truncatingRemainder(dividingBy: 60))
    }

    static func etcdctl(endpoint: String, tls: String, _ args: [String]) -> (status: Int32, output: String, errors: String) {
        let argv = [
            "/usr/bin/etcdctl", "--endpoints=\(endpoint)", "--cacert=\(tls)/ca.pem", "--cert=\(tls)/cert.pem", "--key=\(tls)/key.pem",
            "--dial-timeout=1s", "--command-timeout=1s",
        ] + args
        guard let done = try? Command.run(argv, environment: ["ETCDCTL_API": "3"]) else { return (127, "", "cannot run etcdctl") }
        return (done.status, done.output, done.errors)
    }
}
