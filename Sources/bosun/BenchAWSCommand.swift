import ArgumentParser
import BosunAWS
import BosunController
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `bosun bench aws`: starts a moto server on a free loopback port and measures, through the
/// real controller in this process, what converging an `aws` cluster costs: wall time and AWS
/// API calls by action, for 3 masters + 2 workers and 3 masters + 20 workers, then a no-op
/// pass at each size (2.5 s after converging, as a scheduled pass would come), and calls per
/// instance.
struct BenchAWSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aws", abstract: "Converge aws clusters against a local moto server and count the API calls.")

    @Option(help: "Worker counts to measure (3 masters each).")
    var workers: [Int] = [2, 20]

    @Option(help: "moto_server executable (default: from PATH).")
    var moto: String?

    func run() async throws {
        BenchSupport.quietLogging()
        guard let executable = moto ?? Self.find("moto_server") else {
            Output.error("moto_server not found: pip install 'moto[server]>=5.1,<6' (scripts/setup does)")
            throw ExitCode.failure
        }
        let port = Self.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: executable)
        server.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        server.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        server.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try server.run()
        defer { kill(server.processIdentifier, SIGKILL) }
        let endpoint = "http://127.0.0.1:\(port)"
        try await Self.waitReady(endpoint)
        setenv("AWS_ENDPOINT_URL", endpoint, 1)
        setenv("AWS_ACCESS_KEY_ID", "bench", 1)
        setenv("AWS_SECRET_ACCESS_KEY", "bench", 1)
        unsetenv("AWS_SESSION_TOKEN")
        unsetenv("AWS_PROFILE")
        setenv("BOSUN_AWS_LIVENESS", "instance-state", 1)
        print("moto \(endpoint) (\(executable)); debug or release as built; calls counted in the controller")
        for count in workers {
            try await measure(workers: count, endpoint: endpoint)
        }
    }

    private func measure(workers: Int, endpoint: String) async throws {
        _ = try await MotoAdmin.reset(endpoint: endpoint)
        let scratch = try BenchSupport.scratch("aws-\(workers)")
        defer { try? FileManager.default.removeItem(atPath: scratch.root) }
        try Self.spec(workers: workers).write(toFile: scratch.specs + "/bench.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: scratch.specs + "/bench.yaml")
        let global = try GlobalOptions.parse(["--db", scratch.root + "/bench.db", "--specs", scratch.specs])
        let factory = try ControllerFactory(
            global: global, execution: try ExecutionOptions.parse([]), providers: try ProviderOptions.parse([]), role: "bench")
        defer { factory.close() }
        let targets = try await ingestAndSelect(factory: factory, clusters: [], specs: scratch.specs, options: try IngestOptions.parse([]))
        let instances = 3 + workers
        for phase in ["converge", "no-op pass"] {
            // A pass reuses a cluster's description for 2 s while it wrote nothing; wait that
            // out so the no-op pass costs what a scheduled pass costs.
            if phase != "converge" { try await Task.sleep(for: .milliseconds(2500)) }
            _ = factory.awsCalls.snapshot(reset: true)
            let start = ContinuousClock.now
            let outcomes = await ApplyDriver(factory: factory, maxPasses: phase == "converge" ? 20 : 1).run(targets)
            let wall = ContinuousClock.now - start
            let calls = factory.awsCalls.snapshot(reset: true)
            let total = calls.values.reduce(0, +)
            let result = outcomes.map(\.result).joined(separator: ",")
            print("")
            print("3 masters + \(workers) workers, \(phase): \(result), wall \(String(format: "%.2f", Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18)) s, \(total) calls, \(String(format: "%.1f", Double(total) / Double(instances))) per instance")
            for (action, n) in calls.sorted(by: { $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value }) {
                print("  \(action.padding(toLength: 36, withPad: " ", startingAt: 0)) \(n)")
            }
        }
    }

    static func spec(workers: Int) -> String {
        """
        name: bench
        provider: aws
        region: us-east-1
        image: ami-12c6146b
        kubernetes: { version: "1.31.2" }
        groups:
          - name: master
            instances: 3
            azs: [us-east-1a, us-east-1b, us-east-1c]
            vmType: t3.medium
            disk: { size: 10GiB }
            loadBalancer: bench-api
            jobs: [etcd, kube-apiserver, kubelet]
          - name: worker
            instances: \(workers)
            azs: [us-east-1a, us-east-1b, us-east-1c]
            vmType: t3.large
            jobs: [kubelet, kube-proxy]

        """
    }

    static func find(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func waitReady(_ endpoint: String) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if (try? await MotoAdmin.reset(endpoint: endpoint)) == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Output.error("moto did not answer on \(endpoint) within 30 s")
        throw ExitCode.failure
    }
}
