import Foundation

/// What an etcd member needs to know before it starts: the cluster to join and whether it is
/// new. A member with data starts as it was (etcd ignores both then). A member with an empty
/// data dir whose cluster already runs must never reuse its old identity (etcd panics, or
/// worse, corrupts the log): it is removed by its peer URL, added again, and started with
/// `--initial-cluster-state existing`.
struct EtcdMembership {
    let renderer: JobRenderer
    /// The group's cluster has run healthy before (the provider's marker): a member without
    /// data must then join it, never start a new one, even while no peer answers.
    var clusterFormed = false
    let log: (String) -> Void

    struct Member {
        var id: String
        var started: Bool
        var name: String
        var peerURLs: [String]
    }

    /// `initial_cluster` and `initial_cluster_state` for the member's start. Throws when the
    /// cluster runs but would not take the member back: starting it as a new cluster then
    /// would split it, so the start fails and runit tries again a second later.
    func prepare() throws -> [String: Any] {
        let id = renderer.config.identity
        let me = JobRenderer.memberName(group: id.group, index: id.index)
        let myURL = url(id.address ?? "")
        var names: [String: String] = [:]
        for peer in renderer.peers { if let a = peer.address { names[url(a)] = JobRenderer.memberName(group: id.group, index: peer.index) } }
        let full = renderer.peers.compactMap { peer in peer.address.map { "\(names[url($0)] ?? "")=\(url($0))" } }.joined(separator: ",")
        let fresh: [String: Any] = ["initial_cluster": full, "initial_cluster_state": "new"]
        let memberDir = renderer.dataDirectory + "/member"
        let hasData = FileManager.default.fileExists(atPath: memberDir)
        let others = renderer.peers.filter { $0.index != id.index }.compactMap(\.address).map { "https://\($0):2379" }
        guard !others.isEmpty, let list = etcdctl(others, ["member", "list"]) else {
            // No cluster answers: a member with data restarts as it was; without, the
            // cluster is being created and every member starts as new, unless it has run
            // before: then this member waits for its peers (runit starts it again).
            if hasData { return fresh }
            if clusterFormed {
                throw JobRenderer.RenderError(message: "no member of the running cluster answers and \(me) has no data; waiting for its peers rather than starting a new cluster")
            }
            log("no running cluster answered: starting \(me) as a member of a new cluster")
            return fresh
        }
        let members = Self.parse(list)
        let mine = members.first { $0.peerURLs.contains(myURL) }
        if hasData {
            if mine != nil { return fresh }  // etcd ignores the initial flags when it has data
            // The cluster removed this member: its data can never be used again.
            let aside = renderer.dataDirectory + "/member.removed-\(Int(Date().timeIntervalSince1970))"
            log("the running cluster has no member \(myURL): moving its old data aside to \(aside)")
            try FileManager.default.moveItem(atPath: memberDir, toPath: aside)
        }
        if let mine, !mine.started {
            // Listed but never started (a member of the initial cluster that comes up after
            // the others formed quorum): it joins the cluster that exists.
            let initial = members.flatMap { m in m.peerURLs.map { "\(m.name.isEmpty ? names[$0] ?? me : m.name)=\($0)" } }.joined(separator: ",")
            log("joining the running cluster as \(me) (listed, not started yet)")
            return ["initial_cluster": initial, "initial_cluster_state": "existing"]
        }
        if let mine {
            log("replacing member \(mine.id) (\(myURL)): its data is gone")
            guard etcdctl(others, ["member", "remove", mine.id]) != nil else {
                throw JobRenderer.RenderError(message: "could not remove member \(mine.id) from the running cluster")
            }
            // A member ID derives from the peer URL and the current second: adding the same URL
            // again within that second yields the removed ID, which etcd refuses.
            Thread.sleep(forTimeInterval: 1.2)
        }
        // etcd refuses a membership change until its leader has heard from a quorum for a few
        // seconds after the last one ("unhealthy cluster"): ask again for a while.
        var added: String?
        let deadline = Date().addingTimeInterval(20)
        while added == nil {
            added = etcdctl(others, ["member", "add", me, "--peer-urls=\(myURL)"])
            if added == nil {
                guard Date() < deadline else { break }
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
        guard let added, let line = added.split(separator: "\n").first(where: { $0.hasPrefix("ETCD_INITIAL_CLUSTER=") }) else {
            throw JobRenderer.RenderError(message: "the running cluster did not take \(me) as a new member")
        }
        let cluster = line.dropFirst("ETCD_INITIAL_CLUSTER=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        log("joining the running cluster as \(me), a new member")
        return ["initial_cluster": cluster, "initial_cluster_state": "existing"]
    }

    private func url(_ address: String) -> String { "https://\(address):2380" }

    /// `etcdctl member list` (simple format): `ID, status, name, peer URLs, client URLs, learner`;
    /// an unstarted member has an empty name.
    static func parse(_ list: String) -> [Member] {
        list.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 4 else { return nil }
            return Member(id: fields[0], started: fields[1] == "started", name: fields[2], peerURLs: fields[3].split(separator: " ").map(String.init))
        }
    }

    /// Runs etcdctl against `endpoints` with the member's own certificate; nil on failure.
    private func etcdctl(_ endpoints: [String], _ args: [String]) -> String? {
        EtcdControl(tls: renderer.jobDirectory + "/tls/").run(endpoints, args)
    }
}
