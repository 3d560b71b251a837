import BosunModel
import BosunSpec
import Foundation
import Testing

@Suite struct SpecDecoderTests {
    @Test func minimalSpecGetsEveryDefault() throws {
        let spec = try Fixtures.decode(Fixtures.minimal).get()
        #expect(spec.name == "demo")
        #expect(spec.provider == .sim)
        #expect(spec.region == nil)
        #expect(spec.update == .defaults)
        #expect(spec.healing == .defaults)
        #expect(spec.deletion == .protect)
        #expect(spec.groups.count == 1)
        #expect(spec.groups[0].update == .defaults)
        #expect(spec.groups[0].properties == .emptyObject)
        #expect(spec.groups[0].disk == nil)
    }

    @Test func exampleFromSpecFormatDecodesFully() throws {
        let text = try String(contentsOfFile: Self.repoRoot + "/specs/demo.yaml", encoding: .utf8)
        let spec = try Fixtures.decode(text).get()
        #expect(spec.groups.map(\.name) == ["master", "worker"])
        #expect(spec.groups[0].disk == DiskSpec(sizeMiB: 5 * 1024, type: "standard"))
        #expect(spec.groups[0].runsEtcd)
        #expect(spec.groups[0].loadBalancer == "demo-api")
        #expect(spec.update.maxInFlight == .count(2))
        #expect(spec.groups[1].properties == .object(["kubelet": .object(["max-pods": .int(110)])]))
        #expect(spec.desiredInstances == 8)
    }

    @Test func groupUpdateOverridesOnlyWhatItNames() throws {
        let text = Fixtures.minimal.replacingOccurrences(of: "groups:", with: "update: { canaries: \"10%\", serial: false }\ngroups:")
            + "    update: { maxInFlight: \"50%\" }\n"
        let spec = try Fixtures.decode(text).get()
        #expect(spec.update.canaries == .percent(10))
        #expect(spec.groups[0].update == UpdatePolicy(canaries: .percent(10), maxInFlight: .percent(50), serial: false, vmStrategy: .deleteCreate))
    }

    @Test func sizesConvertToMiB() throws {
        for (text, mib) in [("512MiB", 512), ("5GiB", 5120), ("2TiB", 2 * 1024 * 1024)] {
            let spec = try Fixtures.decode(Fixtures.minimal + "    disk: { size: \(text) }\n").get()
            #expect(spec.groups[0].disk?.sizeMiB == mib)
        }
    }

    @Test func reformattingAndReorderingKeepTheHash() throws {
        let reordered = """
            groups:
            - jobs:
              - kubelet
              vmType: small
              azs:
              - z1
              instances: 2
              name: worker
            kubernetes:
              version: '1.31.2'
            image: "img-1"    # comment
            provider: sim
            name: demo
            update: { canaries: 1, maxInFlight: 1, serial: true, vmStrategy: delete-create }
            healing: { enabled: true }
            deletion: protect
            """
        let a = try CanonicalSpec(Fixtures.decode(Fixtures.minimal).get())
        let b = try CanonicalSpec(Fixtures.decode(reordered).get())
        #expect(a == b)
    }

    @Test func propertyKeyOrderDoesNotMatterButValuesDo() throws {
        let one = Fixtures.minimal + "    properties: { kubelet: { a: 1, b: [x, y] } }\n"
        let two = Fixtures.minimal + "    properties:\n      kubelet:\n        b: [x, y]\n        a: 1\n"
        let three = Fixtures.minimal + "    properties: { kubelet: { a: 2, b: [x, y] } }\n"
        let h1 = try CanonicalSpec(Fixtures.decode(one).get()).hash
        #expect(h1 == (try CanonicalSpec(Fixtures.decode(two).get()).hash))
        #expect(h1 != (try CanonicalSpec(Fixtures.decode(three).get()).hash))
    }

    @Test(arguments: [
        ("image: img-1", "image: img-2"),
        ("instances: 2", "instances: 3"),
        ("version: \"1.31.2\"", "version: \"1.31.3\""),
        ("azs: [z1]", "azs: [z1, z2]"),
        ("jobs: [kubelet]", "jobs: [kubelet, kube-proxy]"),
    ])
    func realChangesChangeTheHash(old: String, new: String) throws {
        let a = try CanonicalSpec(Fixtures.decode(Fixtures.minimal).get())
        let b = try CanonicalSpec(Fixtures.decode(Fixtures.replacing(old, with: new)).get())
        #expect(a.hash != b.hash)
        #expect(a.hash.count == 64)
    }

    @Test func canonicalJSONRoundTrips() throws {
        let spec = try Fixtures.decode(Fixtures.minimal + "    properties: { x: { y: [1, 2.5, true, null, s] } }\n").get()
        let canonical = try CanonicalSpec(spec)
        #expect(try CanonicalSpec.decode(canonical.json) == spec)
    }

    @Test func everyProblemIsReportedInFileOrder() throws {
        let text = """
            name: Demo
            provider: gce
            image: img-1
            kubernetes: { version: "1.31.2" }
            groups:
              - name: w
                instances: -1
                azs: [z1]
                vmType: small
                jobs: [kubelet]
            """
        guard case .failure(let rejection) = Fixtures.decode(text) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(rejection.issues.map(\.path) == ["name", "provider", "groups[0].instances"])
        #expect(rejection.issues.map(\.line) == [1, 2, 7])
    }

    static var repoRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }
}
