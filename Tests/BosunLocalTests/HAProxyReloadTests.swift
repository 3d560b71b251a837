import Foundation
import BosunProvider
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

    /// A haproxy that starts but never serves the members asked for is an error, and is not
    /// left running: unrecorded, it would hold the address and fail every retry.
    @Test func aStartThatDoesNotServeItsMembersFailsAndLeavesNoHAProxy() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-reload-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let block = "127.67.\(Int.random(in: 1...250))"
        let lb = HAProxyBalancer(directory: dir, name: "mismatch", address: "\(block).1")
        let config = lb.config(port: Int.random(in: 20_000...29_999), checkPort: nil, checkPath: nil, members: [.init(vmID: "vm-a", address: "\(block).10")])
        // The config names vm-a; the caller expects vm-b, which no worker will ever serve.
        #expect(throws: ProviderError.self) { try lb.apply(config: config, running: nil, members: ["vm-b"]) }
        let left = Self.processes(naming: lb.configPath)
        #expect(left.isEmpty, "haproxy still running: \(left)")
    }

    /// Pids whose command line names `path`.
    static func processes(naming path: String) -> [String] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return pids.filter { pid in
            guard Int(pid) != nil, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(path)
        }
    }
}
