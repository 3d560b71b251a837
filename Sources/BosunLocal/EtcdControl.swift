/// `etcdctl` run with an etcd member's own certificate (`ca.crt`, `server.crt`, `server.key` in
/// its job's TLS directory: the member certificate is also a client certificate), as the node
/// agent's membership and leadership steps need it. Bounded by etcdctl's own dial and command
/// timeouts; the output is etcd's, never a file's.
struct EtcdControl {
    /// The job's TLS directory, ending in `/`.
    let tls: String

    /// etcdctl's standard output, or nil when it failed; `acceptFailure` keeps what it printed
    /// when it exits non-zero (`endpoint status --cluster` does when one member does not answer).
    func run(_ endpoints: [String], _ args: [String], commandTimeout: Int = 3, acceptFailure: Bool = false) -> String? {
        let argv = [
            "/usr/bin/etcdctl", "--endpoints=" + endpoints.joined(separator: ","), "--cacert=" + tls + "ca.crt",
            "--cert=" + tls + "server.crt", "--key=" + tls + "server.key", "--dial-timeout=1s", "--command-timeout=\(commandTimeout)s",
        ] + args
        guard let result = try? Command.run(argv, environment: ["ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"]) else { return nil }
        guard result.status == 0 || (acceptFailure && !result.output.isEmpty) else { return nil }
        return result.output
    }
}
