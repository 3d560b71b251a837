import BosunProvider
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One load balancer: an haproxy in master-worker mode, TCP, health-checking its members'
/// plain-HTTP health endpoint. The config file is the source of truth (a reload drops servers
/// added at run time), so every membership change rewrites it and reloads; draining goes
/// through the admin socket first, so a member leaves without cutting a connection short.
struct HAProxyBalancer: Sendable {
    let directory: String
    let name: String
    let address: String

    struct Member: Sendable, Hashable {
        var vmID: String
        var address: String
    }

    var configPath: String { directory + "/haproxy.cfg" }
    var adminSocket: String { directory + "/admin.sock" }
    var masterSocket: String { directory + "/master.sock" }
    var log: String { directory + "/haproxy.log" }

    /// The whole configuration for `members`, forwarding `port` and checking `check`.
    func config(port: Int, checkPort: Int?, checkPath: String?, members: [Member]) -> String {
        var lines = [
            "# Written by bosun (local provider); rewritten on every membership change.",
            "global",
            "    stats socket \"\(adminSocket)\" mode 600 level admin expose-fd listeners",
            "    pidfile \"\(directory)/haproxy.pid\"",
            "    hard-stop-after 30s",
            "defaults",
            "    mode tcp",
            // A connection to a member that just died is retried on another one, so clients
            // see nothing in the second before the health check marks it down.
            "    retries 3",
            "    option redispatch",
            "    timeout connect 1s",
            "    timeout client 1h",
            "    timeout server 1h",
            "    timeout check 1s",
            "frontend lb",
            "    bind \(address):\(port)",
            "    default_backend members",
            "backend members",
            "    balance roundrobin",
        ]
        var serverOptions = "check inter 500ms fall 2 rise 2"
        if let checkPort, let checkPath {
            lines += ["    option httpchk", "    http-check send meth GET uri \(checkPath)", "    http-check expect status 200"]
            serverOptions += " port \(checkPort) on-marked-down shutdown-sessions"
        }
        for member in members.sorted(by: { $0.vmID < $1.vmID }) {
            lines.append("    server \(member.vmID) \(member.address):\(port) \(serverOptions)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the config (checked by `haproxy -c` first) and starts haproxy, or reloads the
    /// running one; returns once its worker serves exactly `members` (the servers of `text`).
    /// `running` is the recorded process, if any is still alive. Throws retryable when haproxy
    /// cannot be reached, or still serves another set after a second reload.
    func apply(config text: String, running: ProcessTree.Handle?, members: Set<String>) throws -> ProcessTree.Handle {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let candidate = configPath + ".new"
        try Data(text.utf8).write(to: URL(fileURLWithPath: candidate))
        let check = try Command.run(["/usr/sbin/haproxy", "-c", "-q", "-f", candidate])
        guard check.status == 0 else {
            throw LocalError.terminal("InvalidConfig", "haproxy refused the config of load balancer \(name): \(check.errors.prefix(400))")
        }
        guard rename(candidate, configPath) == 0 else { throw LocalError.terminal("LocalFailure", "cannot write \(configPath)") }
        if let running, ProcessTree.isAlive(running) {
            // Asked while the master is still re-executing for the previous reload, a reload is
            // refused, and once in CI a registered member stayed unknown to haproxy for the 15 s
            // a test waited. So a change returns (and the load balancer's lock is released) only
            // once the worker serves its members; a reload that did not take is asked for again.
            for attempt in 0..<2 {
                let answer = try UnixSocket.request(masterSocket, "reload")
                // 2.6 answers nothing on success; anything else is haproxy's complaint.
                if answer.lowercased().contains("fail") { throw LocalError.retryable("ReloadFailed", "haproxy \(name): \(answer.prefix(200))") }
                if serves(members, within: attempt == 0 ? 3 : 5) { return running }
            }
            throw LocalError.retryable("ReloadNotApplied", "haproxy \(name) still serves another member set after two reloads; see \(log)")
        }
        unlink(masterSocket)
        unlink(adminSocket)
        let handle = try ProcessTree.spawnDetached(["/usr/sbin/haproxy", "-W", "-S", masterSocket, "-f", configPath], log: log)
        guard RunitService.wait(5, { FileManager.default.fileExists(atPath: adminSocket) }), serves(members, within: 5) else {
            // Not recorded, so nothing would stop it: a haproxy left running here would hold the
            // load balancer's address and make every retry fail to start.
            ProcessTree.killTree(handle)
            throw LocalError.retryable("StartFailed", "haproxy for \(name) did not start serving its members; see \(log)")
        }
        return handle
    }

    /// Whether the worker answering the admin socket has exactly `members` as its servers,
    /// polled for at most `seconds` (a reload swaps workers a little after it is asked for).
    private func serves(_ members: Set<String>, within seconds: Double) -> Bool {
        RunitService.wait(seconds) { (try? Set(servers().keys)) == members }
    }

    /// Sets a server's administrative state (`ready`, `drain`, `maint`) on the running worker.
    /// Throws when haproxy cannot be reached or answers anything but its silent success.
    func setState(_ vmID: String, _ state: String) throws {
        let answer = try UnixSocket.request(adminSocket, "set server members/\(vmID) state \(state)")
        let complaint = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        guard complaint.isEmpty else { throw LocalError.retryable("AdminRefused", "haproxy \(name): \(complaint.prefix(200))") }
    }

    /// Takes `vmID` out of rotation (`drain`: no new connection goes to it) and waits until
    /// haproxy counts no open connection to it, at most `grace` seconds. A fixed pause is not
    /// enough: on a busy machine a client that connected just before the drain can take longer
    /// than any fixed grace to send its request, and the job's stop would then answer it.
    /// Returns the connections still open when it stopped waiting (0: drained; a server haproxy
    /// does not have has none), or nil when haproxy could not be asked to drain it (the caller
    /// then waits the whole grace). The caller holds the load balancer's lock, so no reload
    /// puts the server back into rotation meanwhile.
    func drain(_ vmID: String, grace: Double) -> Int? {
        let deadline = Date().addingTimeInterval(grace)
        var drained = false
        for attempt in 0..<3 where !drained {
            if attempt > 0 { usleep(50_000) }
            do {
                try setState(vmID, "drain")
                drained = true
            } catch let error as ProviderError where error.message.contains("No such server") {
                return 0
            } catch {
                continue
            }
        }
        guard drained else { return nil }
        var open: Int?
        while true {
            // A failed look (haproxy busy for a moment) is not an answer: look again.
            if let now = try? sessions(vmID) { open = now }
            if open == 0 || Date() >= deadline { return open ?? 0 }
            usleep(20_000)
        }
    }

    /// The connections haproxy's current worker has open to `vmID`.
    func sessions(_ vmID: String) throws -> Int {
        guard let server = try servers()[vmID] else { throw LocalError.retryable("NotFound", "haproxy \(name) has no server \(vmID)") }
        return server.sessions
    }

    /// Servers by name with haproxy's status (`UP`, `DOWN`, `MAINT`, `DRAIN`, …).
    func serverStatus() throws -> [String: String] {
        try servers().mapValues(\.status)
    }

    /// The backend's servers from `show stat` (CSV: proxy, server, …, `scur` 5th, `status` 18th).
    private func servers() throws -> [String: (status: String, sessions: Int)] {
        let csv = try UnixSocket.request(adminSocket, "show stat")
        var out: [String: (status: String, sessions: Int)] = [:]
        for line in csv.split(separator: "\n") where line.hasPrefix("members,") {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count > 17, fields[1] != "BACKEND" else { continue }
            out[String(fields[1])] = (String(fields[17]), Int(fields[4]) ?? 0)
        }
        return out
    }
}
