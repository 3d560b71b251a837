import Foundation

/// Moves etcd leadership off a member before it is stopped, while it still serves. etcd hands
/// leadership over by itself on SIGTERM, but then the old leader is already closing: a
/// proposal a follower forwarded to it in that instant is lost and its client waits out its
/// timeout. `etcdctl move-leader` first, with the member up, leaves nothing in flight to a
/// member that is going away.
struct EtcdLeadership {
    /// The member's address; its client port is etcd's 2379.
    let address: String
    /// The job's TLS directory (`ca.crt`, `server.crt`, `server.key`): the member's own
    /// certificate is also a client certificate.
    let tls: String

    struct Status: Decodable {
        var endpoint: String
        var memberID: UInt64
        var leader: UInt64
        var applied: UInt64

        enum CodingKeys: String, CodingKey { case endpoint = "Endpoint", status = "Status" }
        enum StatusKeys: String, CodingKey { case header, leader, raftAppliedIndex }
        enum HeaderKeys: String, CodingKey { case memberID = "member_id" }

        init(from decoder: any Decoder) throws {
            let outer = try decoder.container(keyedBy: CodingKeys.self)
            endpoint = try outer.decode(String.self, forKey: .endpoint)
            let status = try outer.nestedContainer(keyedBy: StatusKeys.self, forKey: .status)
            // etcd leaves `leader` out while a member knows none (0).
            leader = try status.decodeIfPresent(UInt64.self, forKey: .leader) ?? 0
            applied = try status.decodeIfPresent(UInt64.self, forKey: .raftAppliedIndex) ?? 0
            memberID = try status.nestedContainer(keyedBy: HeaderKeys.self, forKey: .header).decode(UInt64.self, forKey: .memberID)
        }
    }

    /// If this member leads, makes the most caught-up peer that answers the leader, then waits
    /// (about 2 s at most) until every other peer that answered has heard of it, so none forwards a
    /// proposal here any more. Returns what it did, for the VM's agent log; nil when the member
    /// does not lead or nothing answered (the stop goes on, and etcd hands over itself).
    func handOver() -> String? {
        let me = "https://\(address):2379"
        guard let statuses = self.statuses(me, cluster: true), let mine = statuses.first(where: { $0.endpoint == me }),
              mine.leader == mine.memberID
        else { return nil }
        guard let target = Self.successor(of: mine, among: statuses) else {
            return statuses.count == 1 ? nil : "etcd member \(hex(mine.memberID)) leads and no peer can take over: etcd hands leadership over itself when it stops"
        }
        guard etcdctl(me, ["move-leader", hex(target.memberID)]) != nil else {
            return "could not move etcd leadership from \(hex(mine.memberID)) to \(hex(target.memberID)): etcd hands it over itself when it stops"
        }
        // `move-leader` returns once this member follows the new leader; the other followers
        // hear of it from its first heartbeat.
        let deadline = Date().addingTimeInterval(2)
        var waiting = statuses.filter { $0.memberID != mine.memberID && $0.memberID != target.memberID }.map(\.endpoint)
        while !waiting.isEmpty, Date() < deadline {
            waiting.removeAll { self.statuses($0, cluster: false)?.first?.leader == target.memberID }
            if !waiting.isEmpty { Thread.sleep(forTimeInterval: 0.02) }
        }
        let unconfirmed = waiting.isEmpty ? "" : " (not yet confirmed by \(waiting.joined(separator: ", ")))"
        return "moved etcd leadership from \(hex(mine.memberID)) to \(hex(target.memberID)) before stopping\(unconfirmed)"
    }

    /// The peer to hand over to: the one that has applied the most of the log (it becomes
    /// leader without catching up first).
    static func successor(of mine: Status, among statuses: [Status]) -> Status? {
        // A peer that names another leader (or none) is not in step with this one.
        statuses.filter { $0.memberID != mine.memberID && $0.leader == mine.memberID }.max { ($0.applied, $1.endpoint) < ($1.applied, $0.endpoint) }
    }

    /// `etcdctl endpoint status` as JSON, of `endpoint` or (`cluster`) of every member listed:
    /// those that answered (one that did not is missing; etcdctl then exits non-zero but
    /// prints the others). Each call is bounded by etcdctl's 1 s dial and command timeouts.
    private func statuses(_ endpoint: String, cluster: Bool) -> [Status]? {
        let args = ["endpoint", "status", "-w", "json"] + (cluster ? ["--cluster"] : [])
        guard let output = etcdctl(endpoint, args, acceptFailure: true) else { return nil }
        return try? JSONDecoder().decode([Status].self, from: Data(output.utf8))
    }

    private func hex(_ id: UInt64) -> String { String(id, radix: 16) }

    /// Status calls get 1 s each (they are polled); the move itself gets etcdctl's 3 s.
    private func etcdctl(_ endpoint: String, _ args: [String], acceptFailure: Bool = false) -> String? {
        EtcdControl(tls: tls).run([endpoint], args, commandTimeout: args.first == "move-leader" ? 3 : 1, acceptFailure: acceptFailure)
    }
}
