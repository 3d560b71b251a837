import BosunModel
import BosunSpec
import Testing

/// YAML merge keys (`<<: *anchor`, `<<: [*a, *b]`) work as in Kubernetes manifests,
/// docker-compose and CI files: the mapping's own keys win, earlier merged mappings win over
/// later ones, and the merged result is validated like any other mapping.
@Suite struct MergeKeyTests {
    static let base = """
        name: demo
        provider: sim
        image: img-1
        kubernetes: { version: "1.31.2" }
        groups:
          - &common
            name: master
            instances: 3
            azs: [z1, z2, z3]
            vmType: small
            jobs: [etcd, kubelet]
            properties: &props { kubelet: { max-pods: 110 }, region: eu }

        """

    @Test func aGroupMergedFromAnotherTakesItsOwnKeysFirst() throws {
        let text = Self.base + """
              - <<: *common
                name: worker
                instances: 5
                jobs: [kubelet]

            """
        let spec = try Fixtures.decode(text).get()
        #expect(spec.groups.map(\.name) == ["master", "worker"])
        let worker = spec.groups[1]
        #expect(worker.instances == 5)
        #expect(worker.jobs == ["kubelet"])
        #expect(worker.vmType == "small")
        #expect(worker.azs == ["z1", "z2", "z3"])
        #expect(worker.properties == spec.groups[0].properties)
        // The same spec written out in full has the same canonical hash.
        let full = Self.base + """
              - name: worker
                instances: 5
                azs: [z1, z2, z3]
                vmType: small
                jobs: [kubelet]
                properties: { kubelet: { max-pods: 110 }, region: eu }

            """
        #expect(try CanonicalSpec(spec).hash == CanonicalSpec(try Fixtures.decode(full).get()).hash)
    }

    @Test func aListOfMergesPrefersTheEarlierInFreeFormProperties() throws {
        let text = Self.base + """
              - name: worker
                instances: 1
                azs: [z1]
                vmType: small
                jobs: [kubelet]
                properties:
                  <<: [{ region: us, zone: a }, *props]
                  extra: 1

            """
        let spec = try Fixtures.decode(text).get()
        #expect(spec.groups[1].properties == .object([
            "region": .string("us"), "zone": .string("a"), "kubelet": .object(["max-pods": .int(110)]), "extra": .int(1),
        ]))
    }

    @Test func mergedKeysAreValidatedAndABadMergeIsAnError() throws {
        let typo = Self.base + """
              - <<: { vmtype: large }
                name: worker
                instances: 1
                azs: [z1]
                vmType: small
                jobs: [kubelet]

            """
        let rejected = try #require(Self.issues(typo))
        #expect(rejected.contains { $0.path == "groups[1].vmtype" && $0.message.contains("did you mean 'vmType'") }, "\(rejected)")

        let scalar = Self.base + """
              - <<: 3
                name: worker

            """
        let issues = try #require(Self.issues(scalar))
        let issue = try #require(issues.first { $0.path == "groups[1].<<" })
        #expect(issue.message == "a merge key takes a mapping or a list of mappings, got the integer 3")
        #expect(issue.line == 13, "the line of `- <<: 3`")

        // A quoted "<<" is an ordinary key, and unknown here.
        let quoted = Self.base + """
              - "<<": *common
                name: worker

            """
        #expect(try #require(Self.issues(quoted)).contains { $0.path == "groups[1].<<" && $0.message.hasPrefix("unknown field") })
    }

    static func issues(_ text: String) -> [SpecIssue]? {
        if case .failure(let rejection) = Fixtures.decode(text) { return rejection.issues }
        return nil
    }
}
