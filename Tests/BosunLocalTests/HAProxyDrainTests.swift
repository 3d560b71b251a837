import Foundation
import Testing
@testable import BosunLocal
#if canImport(Glibc)
import Glibc
#endif

/// Draining a member waits for the connections it still serves, as haproxy itself counts them,
/// and no longer than the grace: a real haproxy in front of a member that holds a connection.
@Suite struct HAProxyDrainTests {
    @Test func drainWaitsForOpenConnectionsButNoLongerThanTheGrace() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-drain-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let block = "127.66.\(Int.random(in: 1...250))"
        let port = Int.random(in: 20_000...29_999)
        // The member: a listening socket whose kernel completes haproxy's connections.
        let member = try Self.socket(address: "\(block).10", port: port, listen: true)
        defer { close(member) }
        let lb = HAProxyBalancer(directory: dir, name: "drain", address: "\(block).1")
        let config = lb.config(port: port, checkPort: nil, checkPath: nil, members: [.init(vmID: "vm-a", address: "\(block).10")])
        let haproxy = try lb.apply(config: config, running: nil, members: ["vm-a"])
        defer { ProcessTree.killTree(haproxy) }

        // Nothing open: drained at once.
        let idle = ContinuousClock.now
        #expect(lb.drain("vm-a", grace: 2) == 0)
        #expect(ContinuousClock.now - idle < .seconds(1))
        #expect(try lb.serverStatus()["vm-a"] == "DRAIN")

        // A client connected through the load balancer before the drain: drain waits the
        // grace for it and says it is still open.
        try lb.setState("vm-a", "ready")
        let client = try Self.socket(address: "\(block).1", port: port, listen: false)
        try await Self.waitFor { (try? lb.sessions("vm-a")) == 1 }
        let served = accept(member, nil, nil)
        #expect(served >= 0)
        let held = ContinuousClock.now
        #expect(lb.drain("vm-a", grace: 0.5) == 1)
        #expect(ContinuousClock.now - held >= .milliseconds(450))

        // The connection ends (both sides close, as a client and etcd do) while a drain waits:
        // the drain ends then, after the close and well before its grace. The closer is a
        // thread of its own: the drain blocks the one it runs on.
        try lb.setState("vm-a", "ready")
        let closer = Thread {
            Thread.sleep(forTimeInterval: 0.3)
            close(client)
            close(served)
        }
        let waited = ContinuousClock.now
        closer.start()
        #expect(lb.drain("vm-a", grace: 10) == 0)
        #expect(ContinuousClock.now - waited >= .milliseconds(250))
        #expect(ContinuousClock.now - waited < .seconds(5))

        // Setting the state of a server haproxy does not have is an error, not a silent
        // success; draining it finds nothing to wait for.
        #expect(throws: (any Error).self) { try lb.setState("vm-nosuch", "drain") }
        let absent = ContinuousClock.now
        #expect(lb.drain("vm-nosuch", grace: 5) == 0)
        #expect(ContinuousClock.now - absent < .seconds(2))
    }

    static func waitFor(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw CocoaError(.executableLoad) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// A TCP socket bound and listening on address:port, or connected to it.
    static func socket(address: String, port: Int, listen: Bool) throws -> Int32 {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, address, &addr.sin_addr)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let result = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                listen
                    ? (bind(fd, pointer, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 ? Glibc.listen(fd, 16) : -1)
                    : connect(fd, pointer, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        return fd
    }
}
