@testable import BosunLocal
import Foundation
import Testing

/// Reading `etcdctl endpoint status --cluster -w json` (etcd 3.4.23's own output, member IDs
/// above Int64's range) and choosing whom to hand leadership to.
@Suite struct EtcdLeadershipTests {
    static let output = """
        [{"Endpoint":"https://127.79.1.10:2379","Status":{"header":{"cluster_id":10360260810839381788,"member_id":8558849084349409220,"revision":1,"raft_term":2},"version":"3.4.23","dbSize":20480,"leader":8558849084349409220,"raftIndex":22,"raftTerm":2,"raftAppliedIndex":22,"dbSizeInUse":16384}},\
        {"Endpoint":"https://127.79.1.12:2379","Status":{"header":{"cluster_id":10360260810839381788,"member_id":12501416552825651497,"revision":1,"raft_term":2},"version":"3.4.23","dbSize":20480,"leader":8558849084349409220,"raftIndex":22,"raftTerm":2,"raftAppliedIndex":21,"dbSizeInUse":16384}},\
        {"Endpoint":"https://127.79.1.11:2379","Status":{"header":{"cluster_id":10360260810839381788,"member_id":13856696252101629964,"revision":1,"raft_term":2},"version":"3.4.23","dbSize":20480,"leader":8558849084349409220,"raftIndex":22,"raftTerm":2,"raftAppliedIndex":22,"dbSizeInUse":16384}}]
        """

    @Test func theStatusesDecodeAndTheMostCaughtUpPeerIsChosen() throws {
        let statuses = try JSONDecoder().decode([EtcdLeadership.Status].self, from: Data(Self.output.utf8))
        #expect(statuses.count == 3)
        let leader = try #require(statuses.first { $0.memberID == $0.leader })
        #expect(leader.endpoint == "https://127.79.1.10:2379")
        #expect(statuses.map(\.memberID).contains(13_856_696_252_101_629_964))
        // .11 has applied all 22 entries, .12 only 21: .11 takes over without catching up.
        #expect(EtcdLeadership.successor(of: leader, among: statuses)?.endpoint == "https://127.79.1.11:2379")
        // Alone, there is nobody to hand over to.
        #expect(EtcdLeadership.successor(of: leader, among: [leader]) == nil)
    }
}

extension EtcdLeadershipTests {
    /// A peer in the middle of an election reports no leader (etcd leaves the field out): it
    /// decodes, and it is not chosen.
    @Test func aPeerWithoutALeaderDecodesAndIsPassedOver() throws {
        let json = """
            [{"Endpoint":"https://127.79.1.10:2379","Status":{"header":{"member_id":1},"leader":1,"raftAppliedIndex":9}},\
            {"Endpoint":"https://127.79.1.11:2379","Status":{"header":{"member_id":2},"raftAppliedIndex":12}},\
            {"Endpoint":"https://127.79.1.12:2379","Status":{"header":{"member_id":3},"leader":1,"raftAppliedIndex":8}}]
            """
        let statuses = try JSONDecoder().decode([EtcdLeadership.Status].self, from: Data(json.utf8))
        #expect(statuses.map(\.leader) == [1, 0, 1])
        #expect(EtcdLeadership.successor(of: statuses[0], among: statuses)?.memberID == 3)
    }
}
