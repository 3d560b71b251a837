import BosunProvider
import BosunSim
import Foundation
import Testing

/// `bosun sim …` in its own process, against a sim another process holds open.
@Suite struct SimCLITests {
    let sandbox: SimSandbox
    let clock = TestClock()

    init() throws { sandbox = try SimSandbox() }

    private func populated() async throws -> (SimCloud, VM, Disk) {
        let cloud = try sandbox.open(clock: clock)
        let (vm, disk) = try await cloud.populate()
        return (cloud, vm, disk)
    }

    private func sim(_ sandbox: SimSandbox, _ arguments: String...) async throws -> BosunBinary.Result {
        try await BosunBinary.run(["sim"] + arguments + ["--state", sandbox.statePath], in: sandbox.directory)
    }

    @Test func killFromAnotherProcessIsSeenByTheNextList() async throws {
        let (cloud, vm, disk) = try await populated()
        #expect(try await cloud.listVMs(cluster: "demo").map(\.id) == [vm.id])
        let result = try await sim(sandbox, "kill", vm.id)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "killed \(vm.id)\n")
        #expect(try await cloud.listVMs(cluster: "demo").isEmpty)
        #expect(try await cloud.listDisks(cluster: "demo").map(\.id) == [disk.id])
    }

    @Test func breakingCommandsShowThroughTheProvider() async throws {
        let (cloud, vm, disk) = try await populated()
        for arguments in [["fail-job", vm.id, "kubelet"], ["deregister", "demo-api", vm.id], ["detach", disk.id], ["stop", vm.id], ["rogue", "demo"]] {
            let result = try await BosunBinary.run(["sim"] + arguments + ["--state", sandbox.statePath], in: sandbox.directory)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        let vms = try await cloud.listVMs(cluster: "demo")
        #expect(vms.map(\.id).first == vm.id && vms.first?.state == .stopped)
        #expect(vms.count == 2 && vms.last?.group == "rogue")
        #expect(try await cloud.listMembers(lb: "demo-api").isEmpty)
        #expect(try await cloud.listDisks(cluster: "demo").first?.attachedTo == nil)
        #expect(try await cloud.health(cluster: "demo")[vm.id]?.jobs == ["kubelet": .stopped])
        #expect(try await sim(sandbox, "reset").status == 0)
        #expect(try await cloud.listVMs(cluster: "demo").isEmpty)
    }

    @Test func listingsPrintTablesAndJSON() async throws {
        let (_, vm, disk) = try await populated()
        let table = try await sim(sandbox, "vms")
        #expect(table.status == 0)
        #expect(table.stdout.hasPrefix("VM "))
        #expect(table.stdout.contains("\(vm.id)  demo") && table.stdout.contains("kubelet=running"))

        struct VMs: Decodable {
            struct Row: Decodable { var id, state, idempotencyKey: String; var jobs: [String: String]; var lastHeartbeat: String? }
            var vms: [Row]
        }
        struct Disks: Decodable {
            struct Row: Decodable { var id: String; var attachedTo: String?; var sizeMib: Int }
            var disks: [Row]
        }
        struct LBs: Decodable { var lbs: [SimLoadBalancer] }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let vms = try decoder.decode(VMs.self, from: Data(try await sim(sandbox, "vms", "--json").stdout.utf8))
        #expect(vms.vms.map(\.id) == [vm.id] && vms.vms.first?.jobs == ["kubelet": "running"])
        #expect(vms.vms.first?.lastHeartbeat != nil)
        let disks = try decoder.decode(Disks.self, from: Data(try await sim(sandbox, "disks", "--json").stdout.utf8))
        #expect(disks.disks.map(\.id) == [disk.id] && disks.disks.first?.attachedTo == vm.id && disks.disks.first?.sizeMib == 1024)
        let lbs = try decoder.decode(LBs.self, from: Data(try await sim(sandbox, "lbs", "--json").stdout.utf8))
        #expect(lbs.lbs == [SimLoadBalancer(name: "demo-api", members: [vm.id])])
    }

    @Test func faultsWithoutFlagsPrintTheCurrentSettings() async throws {
        let set = try await sim(sandbox, "faults", "--error-rate", "0.3", "--timeout-rate", "0.05", "--latency", "50ms", "--jitter", "10ms", "--max-vms", "40")
        #expect(set.status == 0, "\(set.stderr)")
        let shown = try await sim(sandbox, "faults")
        #expect(shown.stdout.contains("max VMs    40"))
        #expect(shown.stdout.contains("*          0.3         0.0            0.05          50ms     10ms    1s"), "\(shown.stdout)")
        let settings = try await sandbox.open().console.settings()
        #expect(settings.faults == SimFaults(errorRate: 0.3, timeoutRate: 0.05, latency: .milliseconds(50), jitter: .milliseconds(10)))
        #expect(settings.maxVMs == 40)
        #expect(try await sim(sandbox, "faults", "--max-vms", "none", "--latency", "0").status == 0)
        let cleared = try await sandbox.open().console.settings()
        #expect(cleared.maxVMs == nil && cleared.faults.latency == .zero && cleared.faults.errorRate == 0.3)
    }

    @Test func theStateFileDefaultsBesideTheStateDatabaseAndFollowsTheEnvironment() async throws {
        try FileManager.default.createDirectory(atPath: sandbox.directory + "/state", withIntermediateDirectories: false)
        let beside = try await BosunBinary.run(["sim", "rogue", "demo", "--db", sandbox.directory + "/state/bosun.db"], in: sandbox.directory)
        #expect(beside.status == 0, "\(beside.stderr)")
        #expect(try await SimCloud(path: sandbox.directory + "/state/bosun-sim.db").listVMs(cluster: "demo").count == 1)
        #expect(!FileManager.default.fileExists(atPath: sandbox.statePath))
        let elsewhere = sandbox.directory + "/elsewhere.db"
        let fromEnvironment = try await BosunBinary.run(
            ["sim", "rogue", "demo"], in: sandbox.directory, environment: ["BOSUN_SIM_STATE": elsewhere])
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
        #expect(try await SimCloud(path: elsewhere).listVMs(cluster: "demo").count == 1)
    }

    @Test func badInputExitsNonZeroWithTheErrorAndChangesNothing() async throws {
        let (cloud, vm, _) = try await populated()
        let before = try await SimSnapshot(cloud)
        let cases: [([String], Int32, String)] = [
            (["kill", "vm-999999"], 1, "error: VM vm-999999 not found"), (["stop", "nope"], 1, "error: VM nope not found"),
            (["detach", "disk-000009"], 1, "error: disk disk-000009 not found"),
            (["deregister", "no-lb", vm.id], 1, "error: load balancer no-lb not found"), (["fail-job", vm.id, "etcd"], 1, "error: job etcd on VM"),
            (["faults", "--error-rate", "2"], 1, "error: error rate 2.0 is not in 0...1"),
            (["faults", "--error-rate", "0.7", "--terminal-rate", "0.7"], 1, "error: error, terminal and timeout rates add up to more than 1"),
            (["faults", "--operation", "explode"], 64, "unknown operation"), (["faults", "--latency", "soon"], 64, "latency"),
        ]
        for (arguments, status, message) in cases {
            let result = try await BosunBinary.run(["sim"] + arguments + ["--state", sandbox.statePath], in: sandbox.directory)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments)")
        }
        #expect(try await SimSnapshot(cloud) == before)
    }

    @Test func aForeignFileIsRefusedByTheCLI() async throws {
        try Data("name: demo\n".utf8).write(to: URL(fileURLWithPath: sandbox.statePath))
        let result = try await sim(sandbox, "vms")
        #expect(result.status == 1)
        #expect(result.stderr.contains("is not a SQLite database (file is not a database); it was left unchanged"), "\(result.stderr)")
        #expect(try String(contentsOfFile: sandbox.statePath, encoding: .utf8) == "name: demo\n")
    }

    /// An existing sim file in a directory that became read-only (a read-only bind mount as
    /// root, who ignores permission bits; mode 0555 otherwise).
    @Test func anExistingSimInAReadOnlyDirectoryIsRefusedByTheCLI() async throws {
        let (cloud, _, _) = try await populated()
        try cloud.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: sandbox.statePath))
        let bosun = try BosunBinary.path()
        let result: BosunBinary.Result
        if geteuid() == 0 {
            let script = #"mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec "$2" sim vms --state "$1/bosun-sim.db""#
            result = try await BosunBinary.run(
                ["-m", "sh", "-c", script, "sh", sandbox.directory, bosun], in: sandbox.directory,
                executable: "/usr/bin/unshare")
        } else {
            chmod(sandbox.directory, 0o555)
            result = try await sim(sandbox, "vms")
            chmod(sandbox.directory, 0o755)
        }
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("cannot write the sim state"), "\(result.stderr)")
        #expect(!result.stderr.contains("StateDirectoryReadOnly") && !result.stderr.contains("(terminal)"), "operator words, not codes")
        #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.statePath)) == before)
    }
}
