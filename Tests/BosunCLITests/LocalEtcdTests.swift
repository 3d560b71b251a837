import BosunLocal
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `provider: local` end to end: `bosun apply specs/local-etcd.yaml` brings up a real 3-member
/// etcd cluster with mutual TLS behind haproxy, and a client writing through the load balancer
/// every 100 ms loses no acknowledged write while Bosun rolls it, heals it, replaces its
/// members and rotates its CA. Every process the test started is killed when it ends.
@Suite(.serialized) final class LocalEtcdTests: Sendable {
    let dir: String
    /// The cluster's address block; the load balancer is BLOCK.1.
    let block: String
    var db: String { dir + "/bosun.db" }
    var specs: String { dir + "/specs" }
    var spec: String { specs + "/local-etcd.yaml" }
    var tls: String { dir + "/client" }
    var endpoint: String { "https://\(block).1:2379" }

    init() throws {
        dir = try tempDirectory()
        block = "127.77.\(Int.random(in: 1...250))"
        let text = try String(contentsOf: BosunProcess.root.appendingPathComponent("specs/local-etcd.yaml"), encoding: .utf8)
        try Data(text.replacingOccurrences(of: "127.42.0", with: block).utf8).write(to: URL(fileURLWithPath: spec))
    }

    deinit {
        LocalProcesses.killAll(under: dir)
        try? FileManager.default.removeItem(atPath: dir)
    }

    func bosun(_ args: [String]) throws -> BosunProcess.Result {
        try BosunProcess.run(args + ["--db", db])
    }

    func apply() throws {
        let result = try bosun(["apply", "--specs", specs, "--progress", "plain"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    /// The client's certificate and key from Bosun's credential store, trusting `trust` (PEM
    /// CAs) besides the CA its certificate names. The three files change together: written
    /// to a new directory that the `client` link then points at, only when they changed.
    func fetchClientCredentials(trust: [String] = []) throws {
        var files: [String: String] = [:]
        // The three come from three calls; a rotation can re-issue the certificate between
        // them, so they are read again until the certificate is the same before and after.
        for _ in 0..<10 {
            for (key, file) in [("certificate", "cert.pem"), ("private_key", "key.pem"), ("ca", "ca.pem")] {
                let got = try bosun(["creds", "get", "local-etcd", "etcd_client", "--key", key])
                guard got.status == 0, !got.stdout.isEmpty else { throw CocoaError(.fileReadUnknown) }
                files[file] = got.stdout
            }
            if try bosun(["creds", "get", "local-etcd", "etcd_client", "--key", "certificate"]).stdout == files["cert.pem"] { break }
        }
        files["ca.pem"] = ([files["ca.pem"] ?? ""] + trust.filter { !(files["ca.pem"] ?? "").contains($0) }).joined(separator: "\n")
        if let current = try? String(contentsOfFile: tls + "/cert.pem", encoding: .utf8), current == files["cert.pem"],
           (try? String(contentsOfFile: tls + "/ca.pem", encoding: .utf8)) == files["ca.pem"] { return }
        let next = dir + "/client-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: next, withIntermediateDirectories: true)
        for (file, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: next + "/" + file)) }
        let link = dir + "/client-link-\(UUID().uuidString)"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: next)
        rename(link, tls)
    }

    func healthyMembers() -> Int {
        let result = EtcdWriter.etcdctl(endpoint: endpoint, tls: tls, ["endpoint", "health", "--cluster"])
        return (result.output + result.errors).components(separatedBy: "is healthy").count - 1
    }

    /// The command lines of the cluster's running etcd processes.
    func etcdCommandLines() -> [String] {
        LocalProcesses.pids(under: dir).compactMap { pid -> String? in
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.hasPrefix("/usr/bin/etcd ") ? line : nil
        }
    }

    func memberIDs() -> Set<String> {
        let list = EtcdWriter.etcdctl(endpoint: endpoint, tls: tls, ["member", "list"]).output
        return Set(list.split(separator: "\n").compactMap { $0.split(separator: ",").first.map(String.init) })
    }

    func vms() throws -> [[String: Any]] {
        let out = try bosun(["local", "vms", "--json"]).stdout
        return try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]] ?? []
    }

    func readBack(_ acked: [Int]) {
        let got = EtcdWriter.etcdctl(endpoint: endpoint, tls: tls, ["get", "/w/", "--prefix", "--keys-only"])
        let keys = Set(got.output.split(separator: "\n").map(String.init))
        let lost = acked.filter { !keys.contains("/w/\($0)") }
        #expect(lost.isEmpty, "acknowledged writes missing: \(lost.prefix(20))")
    }

    /// The journal's actions with their times (UTC), to set a failed write beside.
    func timeline() -> String {
        let rows = try? Command.run(["/usr/bin/sqlite3", db,
            "SELECT id, kind, instance_id, state, strftime('%H:%M:%f', started_at), strftime('%H:%M:%f', finished_at) FROM actions ORDER BY id"])
        var out = rows?.output ?? ""
        // And what the members logged about leadership and failures, by VM.
        let vms = dir + "/bosun-local/vms"
        for vm in (try? FileManager.default.contentsOfDirectory(atPath: vms)) ?? [] {
            let log = (try? String(contentsOfFile: "\(vms)/\(vm)/logs/etcd/current", encoding: .utf8)) ?? ""
            let lines = log.split(separator: "\n").filter { line in
                ["\"warn\"", "\"error\"", "leader", "proposal", "received signal", "now serving"].contains { line.contains($0) }
            }
            out += "-- \(vm)\n" + lines.suffix(60).map { String($0.prefix(260)) }.joined(separator: "\n") + "\n"
        }
        return out
    }

    func edit(_ change: (String) -> String) throws {
        let text = try String(contentsOfFile: spec, encoding: .utf8)
        try Data(change(text).utf8).write(to: URL(fileURLWithPath: spec))
    }

    @Test func applyBuildsATLSClusterThatRollsHealsAndReplacesMembersWithoutLosingWrites() async throws {
        // 1. From nothing to a healthy TLS cluster behind the load balancer.
        let started = ContinuousClock.now
        try apply()
        print("local-etcd: apply from empty took \(ContinuousClock.now - started)")
        try fetchClientCredentials()
        #expect(healthyMembers() == 3)
        #expect(etcdCommandLines().count == 3)
        #expect(etcdCommandLines().allSatisfy { $0.contains("--client-cert-auth") && $0.contains("--peer-client-cert-auth") })
        // A client without a certificate is refused.
        let anonymous = try Command.run(
            ["/usr/bin/etcdctl", "--endpoints=\(endpoint)", "--cacert=\(tls)/ca.pem", "--dial-timeout=1s", "--command-timeout=1s", "put", "/x", "y"],
            environment: ["ETCDCTL_API": "3"])
        #expect(anonymous.status != 0)
        // What the operator sees of the provider.
        let listed = try vms()
        #expect(listed.count == 3)
        #expect(Set(listed.compactMap { $0["address"] as? String }) == ["\(block).10", "\(block).11", "\(block).12"])
        #expect(listed.allSatisfy { ($0["jobs"] as? [[String: Any]])?.first?["state"] as? String == "running" })
        // haproxy's own view settles within its checks (rise 2 × 500 ms) after the last reload.
        var lastView = ""
        do {
            try await BosunProcess.waitFor("haproxy to see 3 members UP", timeout: .seconds(15)) {
                let lbs = try self.bosun(["local", "lbs"])
                lastView = "exit \(lbs.status): \(lbs.stdout)\(lbs.stderr)"
                return lbs.status == 0 && lbs.stdout.contains("\(self.block).1:2379") && lbs.stdout.components(separatedBy: "=UP").count == 4
            }
        } catch {
            // Name what haproxy showed instead, so a next occurrence says which member and state.
            print("local-etcd: haproxy's last view: \(lastView)")
            throw error
        }
        let disks = try bosun(["local", "disks", "--json"])
        let diskRows = try JSONSerialization.jsonObject(with: Data(disks.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(diskRows.count == 3 && diskRows.allSatisfy { $0["attached_to"] is String })
        let unknown = try bosun(["local", "kill", "vm-nosuch"])
        #expect(unknown.status == 1 && unknown.stderr.contains("no such local VM: vm-nosuch"))
        var acked: [Int] = []

        // 2. A rolling properties change: every member restarts, drained first. Target: 0.
        let writer = EtcdWriter(endpoint: endpoint, tls: tls)
        writer.start()
        try await BosunProcess.waitFor("the writer's first writes", timeout: .seconds(10)) { writer.writes >= 5 }
        try edit { $0.replacingOccurrences(of: "        tls: ((etcd_tls))", with: "        tls: ((etcd_tls))\n        heartbeat_ms: 150") }
        try apply()
        let rolled = writer.stop()
        print("local-etcd: rolling properties change: \(rolled.acked.count) writes acknowledged, \(rolled.failed.count) failed \(rolled.failed)")
        if !rolled.failed.isEmpty { print(timeline()) }
        // The target is 0, met in 18 of 19 runs since draining waits (every run on a quiet
        // machine); the other lost one write on a loaded machine (docs/providers.md). More is a
        // regression.
        #expect(rolled.failed.count <= 1, "failed writes: \(rolled.failed)")
        #expect(etcdCommandLines().filter { $0.contains("--heartbeat-interval=150") }.count == 3)
        acked += rolled.acked

        // 3. A VM crash (its whole process tree), healed with its disk. Target: ≤ 3.
        let healWriter = EtcdWriter(endpoint: endpoint, tls: tls, startAt: 100_000)
        healWriter.start()
        try await BosunProcess.waitFor("the writer's first writes", timeout: .seconds(10)) { healWriter.writes >= 5 }
        let victim = try #require(try vms().first?["id"] as? String)
        let killedAt = ContinuousClock.now
        #expect(try bosun(["local", "kill", victim]).status == 0)
        try await BosunProcess.waitFor("the killed member to show", timeout: .seconds(10)) { self.healthyMembers() == 2 }
        try apply()
        try await BosunProcess.waitFor("all members healthy again", timeout: .seconds(30)) { self.healthyMembers() == 3 }
        print("local-etcd: killed VM healed, all 3 members healthy \(ContinuousClock.now - killedAt) after the kill")
        let healed = healWriter.stop()
        print("local-etcd: VM kill: \(healed.acked.count) writes acknowledged, \(healed.failed.count) failed")
        #expect(healed.failed.count <= 3, "failed writes: \(healed.failed)")
        #expect(try vms().first { ($0["id"] as? String) == victim }?["state"] as? String == "running")
        acked += healed.acked

        // 4. Every member recreated without its disk (the spec drops it): each is a new etcd
        //    member (removed by peer URL, added again), one at a time. Target: ≤ 3 each.
        let before = memberIDs()
        #expect(before.count == 3)
        let replaceWriter = EtcdWriter(endpoint: endpoint, tls: tls, startAt: 200_000)
        replaceWriter.start()
        try await BosunProcess.waitFor("the writer's first writes", timeout: .seconds(10)) { replaceWriter.writes >= 5 }
        try edit { $0.replacingOccurrences(of: "    disk: { size: 1GiB }\n", with: "") }
        try apply()
        let replaced = replaceWriter.stop()
        print("local-etcd: 3 members recreated without disks: \(replaced.acked.count) writes acknowledged, \(replaced.failed.count) failed")
        #expect(replaced.failed.count <= 9, "failed writes: \(replaced.failed)")
        #expect(healthyMembers() == 3)
        let after = memberIDs()
        #expect(after.count == 3 && after.isDisjoint(with: before), "members before \(before), after \(after)")
        acked += replaced.acked

        // Every acknowledged write, of every phase, reads back.
        #expect(acked.count > 30)
        readBack(acked)
    }

    @Test func aCARotationLosesNoWrite() async throws {
        try apply()
        try fetchClientCredentials()
        #expect(healthyMembers() == 3)
        // The client follows its credential as an operator's tooling would: it trusts both
        // CAs while the rotation runs, and takes the re-issued certificate once there is one.
        let oldCA = try bosun(["creds", "get", "local-etcd", "etcd_ca"]).stdout
        let refreshing = Flag()
        let refresher = Thread { [self] in
            while refreshing.isSet {
                // The new CA from the moment it exists (phase 1 adds it to every bundle), not
                // only once it is the active version: a member restarted in phase 2 presents
                // a certificate it signed.
                let next = try? bosun(["creds", "get", "local-etcd", "etcd_ca", "--version", "2"])
                try? fetchClientCredentials(trust: [oldCA] + (next?.status == 0 ? [next!.stdout] : []))
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        refresher.start()
        defer { refreshing.clear() }
        let writer = EtcdWriter(endpoint: endpoint, tls: tls)
        writer.start()
        try await BosunProcess.waitFor("the writer's first writes", timeout: .seconds(10)) { writer.writes >= 5 }
        let rotated = try bosun(["creds", "rotate", "local-etcd", "etcd_ca", "--yes", "--progress", "plain"])
        #expect(rotated.status == 0, "\(rotated.stdout)\(rotated.stderr)")
        let result = writer.stop()
        refreshing.clear()
        print("local-etcd: CA rotation: \(result.acked.count) writes acknowledged, \(result.failed.count) failed \(result.failed)")
        if !result.failed.isEmpty { print(timeline()) }
        // The target is 0, met in 18 of 19 runs since draining waits (every run on a quiet
        // machine); the other lost one write to a 1 s timeout as a member's restart began, on a
        // loaded machine (docs/providers.md). More is a regression.
        #expect(result.failed.count <= 1, "failed writes: \(result.failed)")
        let newCA = try bosun(["creds", "get", "local-etcd", "etcd_ca"]).stdout
        #expect(newCA != oldCA && !newCA.isEmpty)
        try fetchClientCredentials()
        #expect(healthyMembers() == 3)
        readBack(result.acked)

        // Deleting the cluster leaves no process of it behind: its VMs and its haproxy go, its
        // disks stay (orphaned, as on any cloud).
        try FileManager.default.removeItem(atPath: spec)
        let deleted = try bosun(["delete", "local-etcd", "--yes", "--specs", specs, "--progress", "none"])
        #expect(deleted.status == 0, "\(deleted.stdout)\(deleted.stderr)")
        #expect(LocalProcesses.pids(under: dir + "/bosun-local").isEmpty)
        #expect(try bosun(["local", "lbs", "--json"]).stdout.filter { !$0.isWhitespace } == "[]")
        #expect(try bosun(["local", "disks", "--json"]).stdout.components(separatedBy: "\"instance_id\"").count == 4)
    }

    /// The member that leads, by the address its metrics say `etcd_server_is_leader 1` on.
    func leaderAddress() throws -> String? {
        for vm in try vms() {
            guard let address = vm["address"] as? String else { continue }
            let metrics = try? Command.run(["/usr/bin/curl", "-sf", "-m", "1", "http://\(address):2381/metrics"])
            if metrics?.output.contains("etcd_server_is_leader 1") == true { return address }
        }
        return nil
    }

    @Test func aFollowerKilledDuringARolloutCostsAtMostOneElection() async throws {
        try apply()
        try fetchClientCredentials()
        #expect(healthyMembers() == 3)
        let writer = EtcdWriter(endpoint: endpoint, tls: tls)
        writer.start()
        try await BosunProcess.waitFor("the writer's first writes", timeout: .seconds(10)) { writer.writes >= 5 }
        try edit { $0.replacingOccurrences(of: "        tls: ((etcd_tls))", with: "        tls: ((etcd_tls))\n        heartbeat_ms: 120") }
        let rollout = try BosunProcess.start(["apply", "--specs", specs, "--progress", "plain", "--db", db], log: dir + "/rollout.log")
        // Once the first member runs the new flags, crash a member the rollout has not reached
        // and that does not lead: the guard must not take the third one down meanwhile.
        try await BosunProcess.waitFor("the first member restarted", timeout: .seconds(60)) {
            self.etcdCommandLines().contains { $0.contains("--heartbeat-interval=120") }
        }
        let leader = try leaderAddress()
        let victim = try #require(try vms().first { vm in
            let address = vm["address"] as? String
            let updated = etcdCommandLines().contains { $0.contains("--heartbeat-interval=120") && $0.contains("https://\(address ?? "?"):2379") }
            return address != leader && !updated
        }?["id"] as? String)
        #expect(try bosun(["local", "kill", victim]).status == 0)
        // The rollout may end failed (an action on the crashed VM fails at once: it is stopped),
        // or heal it; either way it never takes a second member down while one is.
        let status = try await BosunProcess.waitExit(rollout, timeout: .seconds(120))
        let log = (try? String(contentsOfFile: dir + "/rollout.log", encoding: .utf8)) ?? ""
        #expect(status == 0 || log.contains("is stopped (its process tree is gone)"), "\(log)")
        // The next apply heals it and puts every member on the new flags.
        let converged = try bosun(["apply", "--specs", specs, "--progress", "plain"])
        #expect(converged.status == 0)
        try await BosunProcess.waitFor("all members healthy", timeout: .seconds(30)) { self.healthyMembers() == 3 }
        let result = writer.stop()
        print("local-etcd: follower killed during a rollout: \(result.acked.count) writes acknowledged, \(result.failed.count) failed")
        #expect(result.failed.count <= 3, "failed writes: \(result.failed)")
        #expect(etcdCommandLines().filter { $0.contains("--heartbeat-interval=120") }.count == 3)
        readBack(result.acked)
    }
}

/// A flag one thread clears and another polls.
final class Flag: Sendable {
    private let value = Mutex(true)
    var isSet: Bool { value.withLock { $0 } }
    func clear() { value.withLock { $0 = false } }
}
