import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `bosun run --metrics-address`, scraped with a real HTTP client while it works, the text
/// parsed by an independent parser (prometheus_client's), the shipped rules checked and
/// unit-tested by promtool, the dashboard checked against what is really exported.
@Suite(.serialized) struct MetricsCLITests {
    /// One parsed sample.
    struct Sample: Decodable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// prometheus_client's text parser, in the Python beside moto_server (scripts/setup).
    static func parse(_ text: String) throws -> [Sample] {
        let moto = try Exec.run("/bin/sh", ["-c", "command -v moto_server"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let python = URL(fileURLWithPath: moto).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("python3").path
        let script = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = []
            for family in text_string_to_metric_families(sys.stdin.read()):
                for s in family.samples:
                    out.append({"name": s.name, "labels": s.labels, "value": s.value})
            print(json.dumps(out))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: python) ? python : "/usr/bin/python3")
        process.arguments = ["-c", script]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let failure = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "the parser rejected the exposition: \(failure)")
        return try JSONDecoder().decode([Sample].self, from: data)
    }

    static func get(_ url: String) async throws -> (status: Int, body: String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// The address the run logged (JSON logs), once it listens.
    static func address(log: String) async throws -> String {
        var found: String?
        try await BosunProcess.waitFor("the metrics server listening") {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            guard let line = text.split(separator: "\n").first(where: { $0.contains("metrics server listening") }),
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            else { return false }
            found = object["address"] as? String
            return found != nil
        }
        return try #require(found)
    }

    static func sum(_ samples: [Sample], _ name: String, _ match: [String: String] = [:]) -> Double {
        samples.filter { s in s.name == name && match.allSatisfy { s.labels[$0.key] == $0.value } }.reduce(0) { $0 + $1.value }
    }

    @Test func aScrapeDuringAFaultyApplyParsesAndItsCountersMoveAsActionsHappenAndFail() async throws {
        let w = try SimWorld()
        #expect(try w.bosun(["sim", "faults", "--operation", "createVM", "--error-rate", "0.3", "--seed", "3"]).status == 0)
        #expect(try w.bosun(["sim", "faults", "--latency", "5ms"]).status == 0)
        let run = try BosunProcess.start(
            ["run", "--db", w.db, "--specs", w.specs, "--metrics-address", "127.0.0.1:0", "--log-format", "json",
             "--interval", "1h", "--drift-interval", "1s", "--max-attempts", "20"] + SimWorld.fast,
            log: w.dir + "/run.log")
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        let base = "http://" + (try await Self.address(log: w.dir + "/run.log"))
        let health = try await Self.get(base + "/healthz")
        #expect(health.status == 200 && health.body == "ok\n")
        let empty = try Self.parse(try await Self.get(base + "/metrics").body)
        #expect(Self.sum(empty, "bosun_actions_total") == 0)

        try w.publish(SimWorld.spec())
        try await BosunProcess.waitFor("converged", timeout: .seconds(60)) { try w.sql("SELECT phase FROM cluster_status") == "converged" }
        let scrape = try await Self.get(base + "/metrics")
        #expect(scrape.status == 200)
        let after = try Self.parse(scrape.body)
        #expect(Self.sum(after, "bosun_actions_total", ["kind": "create-vm", "result": "succeeded"]) == 8)
        #expect(Self.sum(after, "bosun_action_attempts_total", ["kind": "create-vm"]) > 8, "the faults forced retries")
        #expect(Self.sum(after, "bosun_provider_calls_total", ["operation": "createVM", "result": "retryable"]) > 0)
        #expect(Self.sum(after, "bosun_provider_calls_total", ["provider": "sim", "operation": "configure", "result": "ok"]) == 8)
        #expect(Self.sum(after, "bosun_reconcile_passes_total", ["outcome": "progressed"]) >= 1)
        #expect(Self.sum(after, "bosun_reconcile_pass_duration_seconds_count") >= 2)
        #expect(Self.sum(after, "bosun_queue_wait_seconds_count", ["priority": "high"]) >= 1)
        #expect(Self.sum(after, "bosun_clusters", ["phase": "converged"]) == 1)
        #expect(Self.sum(after, "bosun_clusters_by_lifecycle", ["lifecycle": "active"]) == 1)
        #expect(Self.sum(after, "bosun_journal_rows") > 0 && Self.sum(after, "bosun_database_size_bytes") > 0)
        #expect(Self.sum(after, "bosun_spec_files_rejected") == 0 && Self.sum(after, "bosun_rollout_oldest_seconds") == 0)
        // Bounded cardinality: no series is per cluster or per instance.
        let labels = Set(after.flatMap(\.labels.keys))
        #expect(labels.isSubset(of: ["outcome", "kind", "result", "priority", "provider", "operation", "phase", "lifecycle", "le"]), "\(labels)")

        // A job that fails on every start: healing's restarts fail, and the counters say so.
        let vm = try #require(try w.vms().first { $0.instanceId == "demo/worker/0" })
        #expect(try w.bosun(["sim", "fail-job", vm.id, "kubelet", "--always"]).status == 0)
        try await BosunProcess.waitFor("a failed action counted", timeout: .seconds(60)) {
            let text = try Self.syncGet(base + "/metrics")
            return Self.sum(try Self.parse(text), "bosun_actions_total", ["result": "failed"]) > 0
        }
        // Healing gives up restarting it and replaces the VM (a delete, then a create).
        try await BosunProcess.waitFor("the instance replaced", timeout: .seconds(60)) {
            Self.sum(try Self.parse(try Self.syncGet(base + "/metrics")), "bosun_actions_total", ["kind": "delete-vm", "result": "succeeded"]) >= 1
        }
        // A rogue VM is only reported: an open finding the drift sweep keeps seeing.
        #expect(try w.bosun(["sim", "rogue", "demo"]).status == 0)
        try await BosunProcess.waitFor("the rogue VM counted as an open finding", timeout: .seconds(60)) {
            Self.sum(try Self.parse(try Self.syncGet(base + "/metrics")), "bosun_findings_open", ["kind": "rogue-vm"]) == 1
        }
        let failing = try Self.parse(try await Self.get(base + "/metrics").body)
        for sample in after where sample.name.hasSuffix("_total") {
            let later = failing.first { $0.name == sample.name && $0.labels == sample.labels }?.value ?? -1
            #expect(later >= sample.value, "\(sample.name) \(sample.labels) went down")
        }
        #expect(Self.sum(failing, "bosun_clusters") == 1, "one cluster, in whatever phase")
        let ready = try await Self.get(base + "/readyz")
        #expect(ready.status == 200 && ready.body == "ready\n", "\(ready.body)")

        // The dashboard plots only what is exported.
        let exported = Set(failing.map { $0.name.replacingOccurrences(of: #"_(bucket|sum|count)$"#, with: "", options: .regularExpression) })
        let dashboard = try String(contentsOfFile: BosunProcess.root.appendingPathComponent("deploy/grafana/bosun.json").path, encoding: .utf8)
        let used = Set(dashboard.matches(of: #/bosun_[a-z_]+/#).map { String($0.output).replacingOccurrences(of: #"_(bucket|sum|count)$"#, with: "", options: .regularExpression) })
        #expect(!used.isEmpty && used.subtracting(exported).subtracting(["bosun_certificate_earliest_expiry_seconds"]).isEmpty, "\(used.subtracting(exported))")

        kill(run.processIdentifier, SIGTERM)
        #expect(try await BosunProcess.waitExit(run, timeout: .seconds(60)) == 0)
    }

    static func syncGet(_ url: String) throws -> String {
        try Exec.run("/usr/bin/curl", ["-sf", url]).stdout
    }

    /// The state database turns read-only under a running controller (its mode set to 0400,
    /// the controller running as nobody, so the permission bits apply).
    @Test(.enabled(if: geteuid() == 0, "needs root to run the controller as nobody"))
    func readyzTurns503WhileTheDatabaseIsReadOnly() async throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 1, workers: 1))
        #expect(chown(w.dir, 65534, 65534) == 0 && chown(w.specs, 65534, 65534) == 0)
        let run = try BosunProcess.start(
            ["run", "--db", w.db, "--specs", w.specs, "--metrics-address", "127.0.0.1:0", "--log-format", "json"] + SimWorld.fast,
            log: w.dir + "/run.log", wrapper: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        let base = "http://" + (try await Self.address(log: w.dir + "/run.log"))
        try await BosunProcess.waitFor("ready") { (try? Self.syncGet(base + "/readyz")) == "ready\n" }
        #expect(chmod(w.db, 0o400) == 0)
        let notReady = try await Self.get(base + "/readyz")
        #expect(notReady.status == 503, "\(notReady)")
        #expect(notReady.body == "not ready: the state database \(w.db) is not writable: permission denied (\(w.db))\n", "\(notReady.body)")
        #expect(chmod(w.db, 0o600) == 0)
        let again = try await Self.get(base + "/readyz")
        #expect(again.status == 200 && again.body == "ready\n", "\(again)")
        kill(run.processIdentifier, SIGTERM)
        #expect(try await BosunProcess.waitExit(run, timeout: .seconds(60)) == 0)
    }

    @Test func theShippedAlertRulesAreValidAndFireOnTheirSeries() throws {
        let dir = BosunProcess.root.appendingPathComponent("deploy/prometheus").path
        let check = try Exec.run("/usr/bin/promtool", ["check", "rules", dir + "/bosun-alerts.yml"])
        #expect(check.status == 0 && check.stdout.contains("SUCCESS: 6 rules found"), "\(check.stdout)\(check.stderr)")
        let test = try Exec.run("/usr/bin/promtool", ["test", "rules", dir + "/bosun-alerts.test.yml"])
        #expect(test.status == 0 && test.stdout.contains("SUCCESS"), "\(test.stdout)\(test.stderr)")
    }

    @Test func aBadOrTakenAddressIsAClearErrorAtStart() throws {
        let w = try SimWorld()
        let bad = try w.bosun(["run", "--metrics-address", "localhost"])
        #expect(bad.status != 0 && bad.stderr.contains("--metrics-address must be HOST:PORT (e.g. 127.0.0.1:9464), got 'localhost'"), "\(bad.stderr)")
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        _ = listen(listener, 1)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let taken = try w.bosun(["run", "--metrics-address", "127.0.0.1:\(port)"])
        #expect(taken.status == 1 && taken.stderr.contains("cannot serve metrics on 127.0.0.1:\(port): address already in use"), "\(taken.stderr)")
    }
}
