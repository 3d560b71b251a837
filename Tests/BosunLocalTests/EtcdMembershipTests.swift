@testable import BosunLocal
import Testing

/// `etcdctl member list` as the agent reads it: an unstarted member has an empty name.
@Suite struct EtcdMembershipTests {
    @Test func aMemberListWithUnstartedMembersParses() {
        let list = """
            8e9e05c52164694d, started, etcd-0, https://127.42.0.10:2380, https://127.42.0.10:2379, false
            91bc3c398fb3c146, unstarted, , https://127.42.0.12:2380, , false

            """
        let members = EtcdMembership.parse(list)
        #expect(members.count == 2)
        #expect(members[0].started && members[0].name == "etcd-0" && members[0].peerURLs == ["https://127.42.0.10:2380"])
        #expect(!members[1].started && members[1].name.isEmpty && members[1].peerURLs == ["https://127.42.0.12:2380"])
    }
}
