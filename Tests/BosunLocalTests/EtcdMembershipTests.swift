import BosunModel
import BosunProvider
@testable import BosunLocal
import Foundation
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

/// A member without data whose peers do not answer: a new cluster only while the group's
/// cluster has never run; afterwards the start fails and runit tries again.
@Suite struct EtcdMembershipSafetyTests {
    func renderer(_ dir: String) throws -> JobRenderer {
        // Peers on addresses where nothing listens: no cluster answers.
        let config = NodeConfig(
            identity: NodeIdentity(cluster: "lab", group: "etcd", index: 0, az: "z1", instanceID: "lab/etcd/0", address: "127.99.99.10"),
            kubernetesVersion: "1.31.2", jobs: ["etcd"], properties: .object([:]),
            links: ["etcd": [0, 1, 2].map { LinkedInstance(index: $0, az: "z1", address: "127.99.99.1\($0)") }],
            hash: "h", secretPaths: [])
        return JobRenderer(job: try JobCatalog().definition("etcd"), config: config, jobDirectory: dir + "/job", dataDirectory: dir + "/data")
    }

    @Test func aMemberWithoutDataNeverFoundsASecondCluster() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bosun-etcd-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        let fresh = try EtcdMembership(renderer: renderer(dir), clusterFormed: false, log: { _ in }).prepare()
        #expect(fresh["initial_cluster_state"] as? String == "new")
        #expect(fresh["initial_cluster"] as? String == "etcd-0=https://127.99.99.10:2380,etcd-1=https://127.99.99.11:2380,etcd-2=https://127.99.99.12:2380")
        do {
            _ = try EtcdMembership(renderer: renderer(dir), clusterFormed: true, log: { _ in }).prepare()
            Issue.record("a member without data started while its formed cluster was unreachable")
        } catch {
            #expect("\(error)".contains("waiting for its peers rather than starting a new cluster"))
        }
        // With data it starts as it was, formed or not.
        try FileManager.default.createDirectory(atPath: dir + "/data/member", withIntermediateDirectories: true)
        #expect(try EtcdMembership(renderer: renderer(dir), clusterFormed: true, log: { _ in }).prepare()["initial_cluster_state"] as? String == "new")
    }
}
