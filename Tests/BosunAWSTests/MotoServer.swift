import AsyncHTTPClient
import BosunAWS
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// A moto server for the tests: started on a free loopback port on first use, shared by every
/// test of the process, reset with `POST /moto-api/reset`, and killed when the test process
/// exits (it runs under a shell that kills it when the test process's pipe closes). A missing
/// `moto_server` is a failure with the install command, never a skip.
actor MotoServer {
    static let shared = MotoServer()

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    private var started: URL?

    /// The server's URL, starting it if needed and waiting (poll with a deadline) until it answers.
    func url() async throws -> URL {
        if let started { return started }
        guard let executable = Self.find("moto_server") else {
            throw Missing(description: "moto_server is not installed: pip install 'moto[server]>=5.1,<6' (scripts/setup does)")
        }
        let port = try Self.freePort()
        let url = URL(string: "http://127.0.0.1:\(port)")!
        // A watchdog shell kills moto once this test process is gone, however it ends.
        let watchdog = "\"$0\" -H 127.0.0.1 -p \(port) & pid=$!; while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; kill -9 $pid"
        _ = try Spawn.start(
            "/bin/sh", ["-c", watchdog, executable], environment: ProcessInfo.processInfo.environment, stdout: "/dev/null", stderr: "/dev/null")
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if (try? await Self.post(url.appendingPathComponent("moto-api/reset"))) == 200 {
                started = url
                return url
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Missing(description: "moto_server on port \(port) did not answer within 30 s")
    }

    /// Empties moto (every service, every region).
    func reset() async throws {
        let status = try await Self.post(try await url().appendingPathComponent("moto-api/reset"))
        guard status == 200 else { throw Missing(description: "moto reset answered \(status)") }
    }

    /// A provider talking to this moto as `us-east-1`, with fake credentials and liveness from
    /// the EC2 state (moto 5 has no `DescribeInstanceInformation`).
    func provider(settings: AWSProviderSettings = AWSProviderSettings()) async throws -> AWSProvider {
        let configuration = AWSConfiguration(
            region: "us-east-1", credentials: AWSCredentials(accessKeyID: "AKIDTEST", secretAccessKey: "test-secret"),
            endpoints: AWSEndpoints(global: try await url()), liveness: .instanceState)
        return AWSProvider(transport: AWSTransport(configuration: configuration), settings: settings, commandPoll: .milliseconds(50))
    }

    static func post(_ url: URL) async throws -> Int {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    static func find(_ name: String) -> String? {
        if let explicit = ProcessInfo.processInfo.environment["MOTO_SERVER"], FileManager.default.isExecutableFile(atPath: explicit) { return explicit }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// A port the kernel just handed out on 127.0.0.1 (bound, read, closed).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Missing(description: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw Missing(description: "bind() failed") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Every test that uses the shared moto server, one at a time: moto answers one request at a
/// time, and each test resets it.
@Suite(.serialized) enum MotoTests {}
