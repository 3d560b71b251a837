import BosunProvider
import BosunSim
import Foundation
import Synchronization
import Testing

/// A settable clock, so boot, job start and heartbeat ages need no sleeping. It starts in the
/// past, so a `bosun` process on the wall clock sees what it made as long booted.
final class TestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_700_000_000))

    var now: Date { current.withLock { $0 } }

    func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

/// Records the delays the sim asks for instead of sleeping them.
final class SleepRecorder: Sendable {
    private let slept = Mutex<[Duration]>([])

    var delays: [Duration] { slept.withLock { $0 } }

    func sleep(_ duration: Duration) { slept.withLock { $0.append(duration) } }
}

/// A temp directory for sim state files, removed when the sandbox goes away. Suites keep one
/// as a stored property, so it lives exactly as long as the test that uses it.
final class SimSandbox: Sendable {
    let directory: String
    var statePath: String { directory + "/bosun-sim.db" }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-sim-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit {
        chmod(directory, 0o755)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Opens the sim file `file` with a test clock (if given) and recorded sleeps (if given).
    func open(
        file: String = "bosun-sim.db", clock: TestClock? = nil, sleeps: SleepRecorder? = nil, seed: UInt64 = 0
    ) throws -> SimCloud {
        var environment = SimEnvironment.live
        environment.seed = seed
        if let clock { environment.now = { clock.now } }
        if let sleeps { environment.sleep = { sleeps.sleep($0) } }
        return try SimCloud(path: directory + "/" + file, environment: environment)
    }
}

/// Everything an operator can see, to check that a refused call changed nothing.
struct SimSnapshot: Equatable {
    var vms: [SimVMStatus]
    var disks: [Disk]
    var lbs: [SimLoadBalancer]
    var settings: SimSettings

    init(_ cloud: SimCloud) async throws {
        vms = try await cloud.console.vms()
        disks = try await cloud.console.disks()
        lbs = try await cloud.console.loadBalancers()
        settings = try await cloud.console.settings()
    }
}

/// Expects `body` to throw a `ProviderError` of `kind` with `code`.
func expectProviderError(
    _ kind: ProviderError.Kind, _ code: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async {
    let error = await #expect(throws: ProviderError.self, sourceLocation: sourceLocation) { try await body() }
    #expect(error?.kind == kind, "kind of \(String(describing: error))", sourceLocation: sourceLocation)
    #expect(error?.code == code, "code of \(String(describing: error))", sourceLocation: sourceLocation)
}

extension SimCloud {
    /// Puts one VM in cluster `demo` with a disk attached, registered in LB `demo-api`, running
    /// kubelet.
    func populate() async throws -> (VM, Disk) {
        let vm = try await createVM(Requests.vm(0))
        let disk = try await createDisk(Requests.disk(0))
        try await attachDisk(id: disk.id, to: vm.id)
        try await register(lb: "demo-api", vmID: vm.id)
        try await startJobs(vmID: vm.id, jobs: ["kubelet"])
        return (vm, disk)
    }
}

/// Requests with every tag filled in.
enum Requests {
    static func vm(_ index: Int, cluster: String = "demo", key: String? = nil, az: String = "z1") -> VMRequest {
        VMRequest(
            cluster: cluster, group: "worker", index: index, instanceID: "\(cluster)-worker-\(index)", az: az,
            vmType: "small", image: "image-1", idempotencyKey: key ?? "\(cluster)-vm-\(index)")
    }

    static func disk(_ index: Int, cluster: String = "demo", sizeMiB: Int = 1024, az: String = "z1") -> DiskRequest {
        DiskRequest(
            cluster: cluster, instanceID: "\(cluster)-worker-\(index)", az: az, sizeMiB: sizeMiB, type: "standard",
            idempotencyKey: "\(cluster)-disk-\(index)")
    }
}
