import BosunModel
import BosunProvider
@testable import BosunLocal
import Foundation
import Testing

/// Rendering a job for one node: properties with defaults and required ones, peers from
/// links, files and argv, values written as they are (a certificate is not HTML).
@Suite struct JobRendererTests {
    static func config(properties: JSONValue, address: String? = "127.42.0.11") -> NodeConfig {
        NodeConfig(
            identity: NodeIdentity(cluster: "lab", group: "etcd", index: 1, az: "z2", instanceID: "lab/etcd/1", address: address),
            kubernetesVersion: "1.31.2", jobs: ["etcd"], properties: properties,
            links: ["etcd": [
                LinkedInstance(index: 0, az: "z1", address: "127.42.0.10"), LinkedInstance(index: 1, az: "z2", address: "127.42.0.11"),
                LinkedInstance(index: 2, az: "z3", address: "127.42.0.12"),
            ]],
            hash: "h", secretPaths: ["/etcd/tls/private_key"])
    }

    static let tls: JSONValue = .object(["etcd": .object(["tls": .object([
        "ca": .string("-----BEGIN CERTIFICATE-----\nA+b/c=<&>\"'\n-----END CERTIFICATE-----"),
        "certificate": .string("CERT"), "private_key": .string("KEY"),
    ])])])

    @Test func etcdRendersItsFilesAndFlagsFromTheNodeConfiguration() throws {
        let job = try JobCatalog().definition("etcd")
        let renderer = JobRenderer(job: job, config: Self.config(properties: Self.tls), jobDirectory: "/vm/jobs/etcd", dataDirectory: "/vm/store/etcd")
        let context = try renderer.context(extra: ["initial_cluster": "etcd-0=https://127.42.0.10:2380", "initial_cluster_state": "existing"])
        let files = try renderer.files(context)
        #expect(files.map(\.path) == ["tls/ca.crt", "tls/server.crt", "tls/server.key"])
        #expect(files[0].content == "-----BEGIN CERTIFICATE-----\nA+b/c=<&>\"'\n-----END CERTIFICATE-----")
        #expect(files.map(\.secret) == [false, false, true])
        let argv = try renderer.command(context)
        #expect(argv.first == "/usr/bin/etcd")
        for flag in [
            "--name=etcd-1", "--data-dir=/vm/store/etcd", "--listen-client-urls=https://127.42.0.11:2379",
            "--initial-advertise-peer-urls=https://127.42.0.11:2380", "--listen-metrics-urls=http://127.42.0.11:2381",
            "--initial-cluster=etcd-0=https://127.42.0.10:2380", "--initial-cluster-state=existing",
            "--initial-cluster-token=lab-etcd", "--heartbeat-interval=100", "--election-timeout=1000",
            "--trusted-ca-file=/vm/jobs/etcd/tls/ca.crt", "--client-cert-auth", "--peer-client-cert-auth",
        ] {
            #expect(argv.contains(flag), "\(flag)")
        }
        #expect(renderer.peers.map(\.address) == ["127.42.0.10", "127.42.0.11", "127.42.0.12"])
    }

    @Test func aGivenPropertyWinsOverItsDefault() throws {
        guard case .object(var root) = Self.tls, case .object(var etcd)? = root["etcd"] else { return }
        etcd["heartbeat_ms"] = .int(150)
        root["etcd"] = .object(etcd)
        let properties = JSONValue.object(root)
        let job = try JobCatalog().definition("etcd")
        let renderer = JobRenderer(job: job, config: Self.config(properties: properties), jobDirectory: "/j", dataDirectory: "/d")
        let argv = try renderer.command(try renderer.context())
        #expect(argv.contains("--heartbeat-interval=150") && argv.contains("--election-timeout=1000"))
    }

    @Test func aMissingRequiredPropertyOrAddressIsAnErrorNamingIt() throws {
        let job = try JobCatalog().definition("etcd")
        let bare = JobRenderer(job: job, config: Self.config(properties: .object([:])), jobDirectory: "/j", dataDirectory: "/d")
        do {
            _ = try bare.context()
            Issue.record("rendered without etcd.tls")
        } catch {
            #expect("\(error)" == "job etcd needs property 'etcd.tls' (group etcd's properties)")
        }
        let noAddress = JobRenderer(job: job, config: Self.config(properties: Self.tls, address: nil), jobDirectory: "/j", dataDirectory: "/d")
        do {
            _ = try noAddress.context()
            Issue.record("rendered without an address")
        } catch {
            #expect("\(error)" == "instance lab/etcd/1 has no address yet")
        }
    }
}
