import BosunModel
import BosunSpec
import Foundation
import Testing

/// `provider: local`: `region` is the cluster's loopback address block, and every job must be
/// in the job catalog, the built-in one or the operator's.
@Suite struct LocalSpecTests {
    static let base = """
        name: lab
        provider: local
        region: 127.42.0
        image: debian-bookworm
        kubernetes: { version: "1.31.2" }
        groups:
          - name: etcd
            instances: 3
            azs: [z1]
            vmType: local
            jobs: [etcd]

        """

    static func first(_ yaml: String) -> String? {
        if case .failure(let rejection) = Fixtures.decode(yaml) { return rejection.issues.first?.description }
        return nil
    }

    @Test func aLocalClusterOfCatalogJobsIsAccepted() throws {
        let spec = try Fixtures.decode(Self.base).get()
        #expect(spec.provider == .local && spec.region == "127.42.0")
        // Without a region the provider picks a free block.
        _ = try Fixtures.decode(Self.base.replacingOccurrences(of: "region: 127.42.0\n", with: "")).get()
    }

    @Test func aJobOutsideTheCatalogIsRejectedNamingTheCatalog() {
        let yaml = Self.base.replacingOccurrences(of: "jobs: [etcd]", with: "jobs: [etcd, kubelet]")
        #expect(Self.first(yaml) == "c.yaml:11:11: groups[0].jobs: job 'kubelet' is not in the job catalog (built-in jobs; known: etcd)")
        // The same job is fine on the sim, which runs no processes.
        #expect(Self.first(yaml.replacingOccurrences(of: "provider: local", with: "provider: sim")) == nil)
    }

    @Test(arguments: ["127.0.0", "127.255.1", "10.0.0", "127.1.2.3", "127.01.2", "127.1.256", "localhost"])
    func aRegionThatIsNotALoopbackBlockIsRejected(region: String) {
        let yaml = Self.base.replacingOccurrences(of: "region: 127.42.0", with: "region: \(region)")
        #expect(Self.first(yaml)?.hasPrefix("c.yaml:3:9: region: for provider 'local', the cluster's address block: 127.A.B") == true, "\(region)")
    }

    @Test func anOperatorCatalogAddsJobs() throws {
        let dir = try Fixtures.tempDirectory()
        try Data("name: kubelet\ncommand: [/bin/true]\n".utf8).write(to: URL(fileURLWithPath: dir + "/kubelet.yml"))
        let names = LocalJobNames(directory: dir)
        #expect(names.names == ["etcd", "kubelet"])
        #expect(names.origin == "built-in jobs + \(dir)")
    }
}
