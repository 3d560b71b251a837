import Foundation
import Testing
@testable import BosunLocal

/// A membership change is done only when the running haproxy serves the new member set: the
/// three members of an etcd cluster register within milliseconds of each other, and a reload
/// that haproxy's master drops must not leave a member registered that no worker knows.
@Suite struct HAProxyReloadTests {
    @Test func backToBackReloadsEachLeaveTheWorkerServingTheirMembers() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-reload-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let block = "127.67.\(Int.random(in: 1...250))"
        let port = Int.random(in: 20_000...29_999)
        let lb = HAProxyBalancer(directory: dir, name: "reload", address: "\(block).1")
        var running: ProcessTree.Handle?
        defer { if let running { ProcessTree.killTree(running) } }
        let all = (0..<6).map { HAProxyBalancer.Member(vmID: "vm-\($0)", address: "\(block).\(10 + $0)") }
        // Members come and go with no pause between the changes, as concurrent registrations
        // under the load balancer's lock do; each change returns only once it is served.
        let steps: [[HAProxyBalancer.Member]] = [
            Array(all[0..<1]), Array(all[0..<2]), Array(all[0..<3]), Array(all[1..<3]), Array(all[1..<6]), Array(all[0..<6]),
            Array(all[3..<4]), Array(all[0..<4]),
        ]
        for members in steps {
            let config = lb.config(port: port, checkPort: nil, checkPath: nil, members: members)
            running = try lb.apply(config: config, running: running, members: Set(members.map(\.vmID)))
            #expect(Set(try lb.serverStatus().keys) == Set(members.map(\.vmID)), "after applying \(members.map(\.vmID))")
        }
    }
}
