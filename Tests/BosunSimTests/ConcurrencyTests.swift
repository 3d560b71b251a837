import BosunProvider
import BosunSim
import Foundation
import Testing

/// One sim file, many writers: idempotency must hold across tasks, connections and processes.
@Suite struct ConcurrencyTests {
    let sandbox: SimSandbox

    init() throws { sandbox = try SimSandbox() }

    @Test func sixteenTasksCreatingWithOneKeyMakeOneVM() async throws {
        let cloud = try sandbox.open()
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<16 { group.addTask { try await cloud.createVM(Requests.vm(0, key: "one-key")).id } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(ids.count == 1)
        #expect(try await cloud.listVMs(cluster: "demo").map(\.id) == Array(ids))
    }

    /// Sixteen separate SQLite connections (one `SimCloud` each) racing on one key.
    @Test func sixteenConnectionsCreatingWithOneKeyMakeOneVM() async throws {
        let clouds = try (0..<16).map { _ in try sandbox.open() }
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for cloud in clouds { group.addTask { try await cloud.createDisk(Requests.disk(0)).id + " " + cloud.createVM(Requests.vm(0)).id } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(ids.count == 1)
        #expect(try await clouds[0].listVMs(cluster: "demo").count == 1)
        #expect(try await clouds[0].listDisks(cluster: "demo").count == 1)
    }

    /// Two `bosun` processes create the same 1000 keys from opposite ends, on a file neither
    /// has seen before (so they race on creating the schema too), released together by a gate
    /// file, and meet in the middle.
    @Test func twoProcessesCreatingTheSameKeysMakeOneVMEach() async throws {
        let count = 1000
        let gate = sandbox.directory + "/go"
        let arguments = [
            "sim", "create-vm", "--state", sandbox.statePath, "--cluster", "race", "--key", "k", "--count", "\(count)",
            "--wait-for", gate,
        ]
        let forward = try BosunBinary.start(arguments, in: sandbox.directory, name: "forward")
        let backward = try BosunBinary.start(arguments + ["--reverse"], in: sandbox.directory, name: "backward")
        #expect(FileManager.default.createFile(atPath: gate, contents: nil))
        let results = [try await forward.finish(), try await backward.finish()]
        for result in results { #expect(result.status == 0, "stderr: \(result.stderr)") }
        struct Row: Decodable { var id, idempotencyKey: String }
        struct Made: Decodable { var vms: [Row] }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let made = try results.map { try decoder.decode(Made.self, from: Data($0.stdout.utf8)).vms }
        #expect(made[0].map(\.id) == made[1].map(\.id), "the two processes got different VMs for the same keys")
        let listed = try await sandbox.open().listVMs(cluster: "race")
        #expect(listed.count == count)
        #expect(Set(listed.map(\.idempotencyKey)).count == count)
        #expect(Set(listed.map(\.id)) == Set(made[0].map(\.id)))
        // Ids follow creation order: keys rising show the forward process creating, keys
        // falling the backward one. Both must appear, or there was no race to survive.
        let indexes = listed.map(\.index)
        let steps = zip(indexes, indexes.dropFirst()).map { $1 > $0 }
        #expect(steps.contains(true) && steps.contains(false), "only one process created VMs")
    }

    @Test func idsAreUniqueAcrossConnectionsAndNeverReused() async throws {
        let first = try sandbox.open()
        let second = try sandbox.open()
        var ids: [String] = []
        for index in 0..<10 {
            let cloud = index.isMultiple(of: 2) ? first : second
            ids.append(try await cloud.createVM(Requests.vm(index)).id)
        }
        #expect(ids == (1...10).map { String(format: "vm-%06d", $0) })
        try await first.deleteVM(id: ids[9])
        try await first.console.reset()
        #expect(try await second.createVM(Requests.vm(0)).id == "vm-000011")
    }
}
