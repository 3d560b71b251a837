import Foundation
import Testing

/// A temp directory with a state database, a spec directory and a sim cloud, driven through
/// the built `bosun` binary exactly as an operator would.
struct SimWorld {
    let dir: String
    var db: String { dir + "/bosun.db" }
    var specs: String { dir + "/specs" }

    /// Flags that make tests fast without changing behaviour: short polls, backoff and timeouts.
    static let fast = ["--poll", "10ms", "--retry-base", "10ms", "--retry-cap", "100ms", "--action-timeout", "3s",
                       "--create-timeout", "3s", "--lease-ttl", "3s"]

    init() throws { dir = try tempDirectory() }

    struct SimVM: Decodable, Hashable {
        let id: String
        let instanceId: String
        let group: String
        let index: Int
        let az: String
        let vmType: String
        let image: String
        let state: String
        let jobs: [String: String]
    }

    struct SimDisk: Decodable, Hashable {
        let id: String
        let instanceId: String
        let sizeMib: Int
        let attachedTo: String?
    }

    struct SimLB: Decodable, Hashable {
        let name: String
        let members: [String]
    }

    static func spec(name: String = "demo", masters: Int = 3, workers: Int = 5, image: String = "img-1", version: String = "1.31.2",
                     workerType: String = "large", masterDisk: String = "5GiB", workerDisk: String? = "1GiB", deletion: String = "protect",
                     workerUpdate: String = "{ canaries: 1, maxInFlight: 2 }") -> String {
        """
        name: \(name)
        provider: sim
        image: \(image)
        kubernetes: { version: "\(version)" }
        deletion: \(deletion)
        groups:
          - name: master
            instances: \(masters)
            azs: [z1, z2, z3]
            vmType: small
            disk: { size: \(masterDisk) }
            loadBalancer: \(name)-api
            jobs: [etcd, kube-apiserver, kubelet]
            update: { canaries: 1, maxInFlight: 3 }
          - name: worker
            instances: \(workers)
            azs: [z1, z2, z3]
            vmType: \(workerType)
        \(workerDisk.map { "    disk: { size: \($0) }\n" } ?? "")    jobs: [kubelet, kube-proxy]
            update: \(workerUpdate)

        """
    }

    func publish(_ text: String, as name: String = "demo.yaml") throws {
        try text.write(toFile: specs + "/.\(name).tmp", atomically: false, encoding: .utf8)
        #expect(rename(specs + "/.\(name).tmp", specs + "/" + name) == 0)
    }

    /// `bosun ARGS --db … --specs …` to completion.
    @discardableResult
    func bosun(_ args: [String], fast: Bool = false) throws -> BosunProcess.Result {
        try BosunProcess.run(args + ["--db", db] + (args.first == "sim" ? [] : ["--specs", specs]) + (fast ? Self.fast : []))
    }

    func apply(_ extra: [String] = []) throws -> BosunProcess.Result {
        try bosun(["apply"] + extra, fast: true)
    }

    func vms() throws -> [SimVM] {
        struct Doc: Decodable { let vms: [SimVM] }
        return try decode(Doc.self, try bosun(["sim", "vms", "--json"]).stdout).vms
    }

    func disks() throws -> [SimDisk] {
        struct Doc: Decodable { let disks: [SimDisk] }
        return try decode(Doc.self, try bosun(["sim", "disks", "--json"]).stdout).disks
    }

    func lbs() throws -> [SimLB] {
        struct Doc: Decodable { let lbs: [SimLB] }
        return try decode(Doc.self, try bosun(["sim", "lbs", "--json"]).stdout).lbs
    }

    func sql(_ query: String) throws -> String { try sqlite3(db, query) }

    func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: Data(text.utf8))
    }

    /// Exactly the desired instances exist: one running VM each, each disk attached once to its
    /// own instance's VM, LB members exactly the masters' VMs, nothing else.
    func expectExact(masters: Int, workers: Int, cluster: String = "demo", workerDisks: Bool = true) throws {
        let vms = try vms().filter { $0.instanceId.hasPrefix(cluster + "/") }
        let want = Set((0..<masters).map { "\(cluster)/master/\($0)" } + (0..<workers).map { "\(cluster)/worker/\($0)" })
        #expect(vms.count == want.count, "VMs: \(vms.map(\.instanceId).sorted())")
        #expect(Set(vms.map(\.instanceId)) == want)
        #expect(vms.allSatisfy { $0.state == "running" && $0.jobs.values.allSatisfy { $0 == "running" } })
        let byID = Dictionary(uniqueKeysWithValues: vms.map { ($0.id, $0) })
        let attached = try disks().filter { $0.attachedTo != nil && $0.instanceId.hasPrefix(cluster + "/") }
        #expect(attached.count == masters + (workerDisks ? workers : 0), "attached disks")
        #expect(attached.allSatisfy { byID[$0.attachedTo!]?.instanceId == $0.instanceId }, "each disk on its own instance's VM")
        #expect(Set(attached.map(\.instanceId)).count == attached.count, "one disk per instance")
        let members = try lbs().first { $0.name == "\(cluster)-api" }?.members ?? []
        #expect(Set(members) == Set(vms.filter { $0.group == "master" }.map(\.id)))
    }
}
