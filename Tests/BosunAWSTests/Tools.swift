import AsyncHTTPClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Helpers of the end-to-end tests: the `bosun` binary, the Python tools in
/// `Fixtures/tools`, and processes run to completion.
enum Tools {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `BOSUN_BIN`, else the `bosun` built beside this test bundle, else `.build/debug/bosun`.
    static func bosun() throws -> String {
        if let bin = ProcessInfo.processInfo.environment["BOSUN_BIN"], !bin.isEmpty { return bin }
        let beside = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("bosun").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        let debug = packageRoot.appendingPathComponent(".build/debug/bosun").path
        guard FileManager.default.isExecutableFile(atPath: debug) else { throw Failure(description: "no built bosun binary: run `swift build` first") }
        return debug
    }

    /// The Python that runs moto (beside `moto_server`, so it has boto3), else `python3`.
    static func python() -> String {
        if let moto = MotoServer.find("moto_server") {
            let python = URL(fileURLWithPath: moto).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("python3").path
            if FileManager.default.isExecutableFile(atPath: python) { return python }
        }
        return "/usr/bin/python3"
    }

    static func tool(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("tools/\(name)").path
    }
}

/// `Fixtures/tools/moto_proxy.py` in front of moto: throttles or delays calls, counts them.
struct Proxy {
    struct Stats: Decodable {
        var calls: [String: Int]
        var throttled: Int
        var replayed: Int
    }

    let child: Spawn
    let url: URL

    static func start(upstream: URL, arguments: [String]) async throws -> Proxy {
        let port = try MotoServer.freePort()
        let child = try Spawn.start(
            Tools.python(), [Tools.tool("moto_proxy.py"), "--port", String(port), "--upstream", upstream.absoluteString] + arguments,
            environment: ProcessInfo.processInfo.environment, stdout: "/dev/null", stderr: "/dev/null")
        let proxy = Proxy(child: child, url: URL(string: "http://127.0.0.1:\(port)")!)
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if (try? await proxy.stats()) != nil { return proxy }
            try await Task.sleep(for: .milliseconds(50))
        }
        await proxy.stop()
        throw Tools.Failure(description: "the moto proxy did not answer within 20 s")
    }

    /// Runs `body` with a proxy, and stops the proxy whatever happens.
    static func with(upstream: URL, arguments: [String], _ body: (Proxy) async throws -> Void) async throws {
        let proxy = try await start(upstream: upstream, arguments: arguments)
        do {
            try await body(proxy)
        } catch {
            await proxy.stop()
            throw error
        }
        await proxy.stop()
    }

    func stats() async throws -> Stats {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url.absoluteString + "/proxy-stats"), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        return try JSONDecoder().decode(Stats.self, from: Data(body.readableBytesView))
    }

    func stop() async {
        child.kill(SIGKILL)
        _ = try? await child.wait()
    }
}
