@testable import BosunLocal
import Foundation
import Testing

/// The load balancer's haproxy config: TCP, members checked on their health endpoint, a dead
/// member's connections redispatched; and haproxy itself accepts it.
@Suite struct HAProxyConfigTests {
    @Test func theConfigForwardsChecksAndIsValidForHAProxy() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-lb-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let lb = HAProxyBalancer(directory: dir, name: "lab-client", address: "127.42.0.1")
        let text = lb.config(port: 2379, checkPort: 2381, checkPath: "/health", members: [
            .init(vmID: "vm-b", address: "127.42.0.11"), .init(vmID: "vm-a", address: "127.42.0.10"),
        ])
        #expect(text.contains("    bind 127.42.0.1:2379\n"))
        #expect(text.contains("    http-check send meth GET uri /health\n"))
        #expect(text.contains("    option redispatch\n"))
        let servers = text.split(separator: "\n").filter { $0.hasPrefix("    server ") }
        #expect(servers == [
            "    server vm-a 127.42.0.10:2379 check inter 500ms fall 2 rise 2 port 2381 on-marked-down shutdown-sessions",
            "    server vm-b 127.42.0.11:2379 check inter 500ms fall 2 rise 2 port 2381 on-marked-down shutdown-sessions",
        ])
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/check.cfg"))
        let check = try Command.run(["/usr/sbin/haproxy", "-c", "-f", dir + "/check.cfg"])
        #expect(check.status == 0, "\(check.output)\(check.errors)")
    }
}
