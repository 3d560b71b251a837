import BosunProvider
import BosunSim
import Foundation
import Testing

/// Every bad input is a clear error of the right class, and the sim state is unchanged.
@Suite struct BadInputTests {
    let sandbox: SimSandbox

    init() throws { sandbox = try SimSandbox() }

    let clock = TestClock()

    /// `SimCloud.populate()` plus a second VM.
    private func populated() async throws -> (SimCloud, [VM], Disk) {
        let cloud = try sandbox.open(clock: clock)
        let (vm, disk) = try await cloud.populate()
        return (cloud, [vm, try await cloud.createVM(Requests.vm(1))], disk)
    }

    /// Runs `body`, expecting a terminal `code`, and checks nothing changed.
    private func refused(_ cloud: SimCloud, _ code: String, _ body: () async throws -> Void) async throws {
        let before = try await SimSnapshot(cloud)
        await expectProviderError(.terminal, code, body)
        #expect(try await SimSnapshot(cloud) == before)
    }

    @Test func unknownVMs() async throws {
        let (cloud, _, disk) = try await populated()
        for id in ["vm-999999", "vm-1", "i-0abc", ""] {
            try await refused(cloud, ProviderError.notFound) { try await cloud.startVM(id: id) }
            try await refused(cloud, ProviderError.notFound) { try await cloud.stopVM(id: id) }
            try await refused(cloud, ProviderError.notFound) { try await cloud.register(lb: "demo-api", vmID: id) }
            try await refused(cloud, ProviderError.notFound) { try await cloud.startJobs(vmID: id, jobs: ["kubelet"]) }
            try await refused(cloud, ProviderError.notFound) { try await cloud.restartJobs(vmID: id, jobs: ["kubelet"]) }
            try await refused(cloud, ProviderError.notFound) { try await cloud.console.kill(vm: id) }
            try await refused(cloud, ProviderError.notFound) { try await cloud.console.stop(vm: id) }
            try await refused(cloud, ProviderError.notFound) { try await cloud.console.failJob(vm: id, job: "kubelet") }
            try await refused(cloud, ProviderError.notFound) { try await cloud.console.deregister(lb: "demo-api", vm: id) }
        }
        try await cloud.detachDisk(id: disk.id)
        try await refused(cloud, ProviderError.notFound) { try await cloud.attachDisk(id: disk.id, to: "vm-999999") }
    }

    @Test func unknownDisksJobsAndLoadBalancers() async throws {
        let (cloud, vms, _) = try await populated()
        for id in ["disk-999999", "disk-1", "vol-0abc"] {
            try await refused(cloud, ProviderError.notFound) { try await cloud.attachDisk(id: id, to: vms[1].id) }
            try await refused(cloud, ProviderError.notFound) { try await cloud.detachDisk(id: id) }
            try await refused(cloud, ProviderError.notFound) { try await cloud.resizeDisk(id: id, sizeMiB: 4096) }
            try await refused(cloud, ProviderError.notFound) { try await cloud.console.detach(disk: id) }
        }
        try await refused(cloud, ProviderError.notFound) { try await cloud.console.failJob(vm: vms[0].id, job: "etcd") }
        try await refused(cloud, ProviderError.notFound) { try await cloud.console.deregister(lb: "no-such-lb", vm: vms[0].id) }
        try await refused(cloud, ProviderError.notFound) { try await cloud.console.deregister(lb: "demo-api", vm: vms[1].id) }
    }

    @Test func diskStateConflicts() async throws {
        let (cloud, vms, disk) = try await populated()
        try await refused(cloud, ProviderError.incorrectState) { try await cloud.attachDisk(id: disk.id, to: vms[1].id) }
        try await refused(cloud, ProviderError.incorrectState) { try await cloud.deleteDisk(id: disk.id) }
        let loose = try await cloud.createDisk(Requests.disk(1))
        try await refused(cloud, ProviderError.incorrectState) { try await cloud.detachDisk(id: loose.id) }
        try await refused(cloud, ProviderError.incorrectState) { try await cloud.console.detach(disk: loose.id) }
        let elsewhere = try await cloud.createDisk(Requests.disk(2, az: "z2"))
        try await refused(cloud, ProviderError.invalidParameter) { try await cloud.attachDisk(id: elsewhere.id, to: vms[1].id) }
        try await cloud.stopVM(id: vms[1].id)
        try await refused(cloud, ProviderError.incorrectState) { try await cloud.startJobs(vmID: vms[1].id, jobs: ["kubelet"]) }
    }

    @Test func nonPositiveAndShrinkingSizes() async throws {
        let (cloud, _, disk) = try await populated()
        for size in [0, -1, -1024] {
            try await refused(cloud, ProviderError.invalidParameter) { _ = try await cloud.createDisk(Requests.disk(5, sizeMiB: size)) }
            try await refused(cloud, ProviderError.invalidParameter) { try await cloud.resizeDisk(id: disk.id, sizeMiB: size) }
        }
        try await refused(cloud, ProviderError.invalidParameter) { try await cloud.resizeDisk(id: disk.id, sizeMiB: 1023) }
    }

    @Test func invalidRequestsAndSettings() async throws {
        let (cloud, _, _) = try await populated()
        var request = Requests.vm(7)
        request.index = -1
        try await refused(cloud, ProviderError.invalidParameter) { [request] in _ = try await cloud.createVM(request) }
        request = Requests.vm(7, key: "")
        try await refused(cloud, ProviderError.invalidParameter) { [request] in _ = try await cloud.createVM(request) }
        var changed = Requests.vm(0)
        changed.image = "image-2"
        try await refused(cloud, SimErrorCode.idempotentParameterMismatch) { [changed] in _ = try await cloud.createVM(changed) }
        try await refused(cloud, ProviderError.invalidParameter) { try await cloud.register(lb: "", vmID: "vm-000001") }
        try await refused(cloud, ProviderError.invalidParameter) { try await cloud.startJobs(vmID: "vm-000001", jobs: ["etcd", ""]) }
        let bad: [@Sendable (inout SimSettings) -> Void] = [
            { $0.faults.errorRate = 1.5 }, { $0.faults.errorRate = -0.1 }, { $0.faults.latency = .milliseconds(-1) },
            { $0.overrides[.createVM] = SimFaults(errorRate: 0.6, timeoutRate: 0.6) }, { $0.maxVMs = -1 },
            { $0.maxDiskGiB = -5 }, { $0.bootTime = .seconds(-1) }, { $0.faults.terminalRate = .nan },
        ]
        for change in bad {
            try await refused(cloud, ProviderError.invalidParameter) { try await cloud.console.configure(change) }
        }
    }

    @Test func aFileThatIsNotSQLiteIsRefusedAndLeftAlone() throws {
        let garbage = Data("this is a spec, not a database\n".utf8) + Data((0..<4096).map { UInt8($0 % 251) })
        try garbage.write(to: URL(fileURLWithPath: sandbox.statePath))
        let error = #expect(throws: ProviderError.self) { _ = try sandbox.open() }
        #expect(error?.code == SimErrorCode.notASimDatabase && error?.kind == .terminal)
        #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.statePath)) == garbage)
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.directory) == ["bosun-sim.db"])
    }

    @Test func anotherSQLiteDatabaseIsRefusedAndLeftAlone() async throws {
        let sqlite = try await run("/usr/bin/sqlite3", [sandbox.statePath, "CREATE TABLE clusters (name TEXT); INSERT INTO clusters VALUES ('x');"])
        #expect(sqlite == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: sandbox.statePath))
        let error = #expect(throws: ProviderError.self) { _ = try sandbox.open() }
        #expect(error?.code == SimErrorCode.notASimDatabase)
        #expect(error?.message.contains("clusters") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.statePath)) == before)
    }

    @Test func aSimFileFromANewerBosunIsRefused() async throws {
        try sandbox.open().close()
        #expect(try await run("/usr/bin/sqlite3", [sandbox.statePath, "INSERT INTO grdb_migrations VALUES ('sim-v999');"]) == 0)
        let error = #expect(throws: ProviderError.self) { _ = try sandbox.open() }
        #expect(error?.code == SimErrorCode.newerSimDatabase)
    }

    @Test func aMissingDirectoryIsRefusedAndNotCreated() throws {
        let missing = sandbox.directory + "/no/such/dir"
        let error = #expect(throws: ProviderError.self) { _ = try SimCloud(path: missing + "/bosun-sim.db") }
        #expect(error?.code == SimErrorCode.stateDirectoryMissing && error?.kind == .terminal)
        #expect(error?.message.contains(missing) == true)
        #expect(!FileManager.default.fileExists(atPath: sandbox.directory + "/no"))
    }

    /// Root ignores permission bits, so as root the read-only directory is one where nobody
    /// may create files (sysfs); otherwise a temp directory with mode 0555.
    @Test func aReadOnlyDirectoryIsRefused() throws {
        let directory: String
        if geteuid() == 0 {
            directory = "/sys"
        } else {
            directory = sandbox.directory + "/ro"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            chmod(directory, 0o555)
        }
        let error = #expect(throws: ProviderError.self) { _ = try SimCloud(path: directory + "/bosun-sim.db") }
        #expect(error?.code == SimErrorCode.stateDirectoryReadOnly && error?.kind == .terminal)
        #expect(!FileManager.default.fileExists(atPath: directory + "/bosun-sim.db"))
    }

    private func run(_ executable: String, _ arguments: [String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(5)) }
        return process.terminationStatus
    }
}
