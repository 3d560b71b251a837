import ArgumentParser
import BosunProvider
import BosunSim
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `bosun bench sim`: provider calls per second against `sim` with no injected latency, with
/// one worker and with sixteen, and the sim's own cost per call next to a bare GRDB
/// transaction measured in the same run.
struct BenchSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Measure provider calls per second against the simulated cloud and its overhead per call.")

    @Option(help: "Rounds of 12 provider calls (a VM's whole life), shared among the workers.")
    var rounds = 400

    @Option(help: "VMs already in each worker's cluster, so lists and health have rows to read.")
    var clusterSize = 20

    func validate() throws {
        guard (16...100_000).contains(rounds) else { throw ValidationError("--rounds must be from 16 to 100000") }
        guard (0...10_000).contains(clusterSize) else { throw ValidationError("--cluster-size must be from 0 to 10000") }
    }

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-bench-sim-\(getpid())").path
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        print("bosun bench sim: \(rounds) rounds of 12 calls, clusters of \(clusterSize) VMs, \(ProcessInfo.processInfo.activeProcessorCount) cores")

        let write = try await SimBaseline.writeTransaction(path: root + "/baseline.db", count: 2000)
        let read = try await SimBaseline.readTransaction(path: root + "/baseline.db", count: 2000)
        let cloud = try SimCloud(path: root + "/bosun-sim.db")
        for worker in 0..<16 { try await Self.populate(cloud, cluster: "bench-\(worker)", size: clusterSize) }

        var perOperation = OperationTimes()
        let single = try await ContinuousClock().measure {
            for round in 0..<rounds { try await Self.round(cloud, worker: 0, round: round, times: &perOperation) }
        }
        let share = rounds / 16
        let parallel = try await ContinuousClock().measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        var ignored = OperationTimes()
                        for round in 0..<share { try await Self.round(cloud, worker: worker, round: rounds + round, times: &ignored) }
                    }
                }
                try await group.waitForAll()
            }
        }
        try cloud.close()

        let singleRate = Double(rounds * 12) / single.seconds
        let parallelRate = Double(share * 16 * 12) / parallel.seconds
        let perCall = single.seconds * 1e6 / Double(rounds * 12)
        let writeMicros = write.seconds * 1e6
        print(String(format: "baseline: bare GRDB write transaction %6.1f µs, read transaction %6.1f µs", writeMicros, read.seconds * 1e6))
        print(String(format: "1 worker   %8.0f calls/s   %6.1f µs per call (target <= 1000 µs); ratio to a bare write %.2f",
                     singleRate, perCall, perCall / writeMicros))
        print(String(format: "16 workers %8.0f calls/s   ratio to 1 worker %.2f", parallelRate, parallelRate / singleRate))
        print("per call, 1 worker (mean µs): " + perOperation.summary)
    }

    private static func populate(_ cloud: SimCloud, cluster: String, size: Int) async throws {
        for index in 0..<size {
            let vm = try await cloud.createVM(request(cluster: cluster, index: index, key: "\(cluster)-fill-\(index)"))
            try await cloud.startJobs(vmID: vm.id, jobs: ["kubelet", "kube-proxy"])
        }
    }

    private static func request(cluster: String, index: Int, key: String) -> VMRequest {
        VMRequest(
            cluster: cluster, group: "worker", index: index, instanceID: "\(cluster)-worker-\(index)", az: "z1",
            vmType: "small", image: "image-1", idempotencyKey: key)
    }

    /// One VM's life in twelve calls: create, disk, attach, LB, jobs, observe, and tear down.
    private static func round(_ cloud: SimCloud, worker: Int, round: Int, times: inout OperationTimes) async throws {
        let cluster = "bench-\(worker)"
        let key = "\(cluster)-\(round)"
        let vm = try await times.time("createVM") { try await cloud.createVM(request(cluster: cluster, index: 10_000 + round, key: key)) }
        let disk = try await times.time("createDisk") {
            try await cloud.createDisk(DiskRequest(cluster: cluster, instanceID: vm.instanceID, az: "z1", sizeMiB: 1024, type: nil, idempotencyKey: key))
        }
        try await times.time("attachDisk") { try await cloud.attachDisk(id: disk.id, to: vm.id) }
        try await times.time("register") { try await cloud.register(lb: cluster + "-api", vmID: vm.id) }
        try await times.time("startJobs") { try await cloud.startJobs(vmID: vm.id, jobs: ["kubelet"]) }
        _ = try await times.time("listVMs") { try await cloud.listVMs(cluster: cluster) }
        _ = try await times.time("health") { try await cloud.health(cluster: cluster) }
        _ = try await times.time("listDisks") { try await cloud.listDisks(cluster: cluster) }
        try await times.time("deregister") { try await cloud.deregister(lb: cluster + "-api", vmID: vm.id) }
        try await times.time("detachDisk") { try await cloud.detachDisk(id: disk.id) }
        try await times.time("deleteVM") { try await cloud.deleteVM(id: vm.id) }
        try await times.time("deleteDisk") { try await cloud.deleteDisk(id: disk.id) }
    }
}

/// Time spent per operation name, in call order of first appearance.
struct OperationTimes {
    private var names: [String] = []
    private var totals: [String: (Duration, Int)] = [:]

    mutating func time<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        let value = try await body()
        if totals[name] == nil { names.append(name) }
        let (total, count) = totals[name] ?? (.zero, 0)
        totals[name] = (total + (ContinuousClock.now - start), count + 1)
        return value
    }

    var summary: String {
        names.map { name in
            let (total, count) = totals[name] ?? (.zero, 1)
            return "\(name) \(Int((total.seconds * 1e6 / Double(max(count, 1))).rounded()))"
        }.joined(separator: ", ")
    }
}
