import BosunCredentials
import BosunModel
import Testing

/// CredHub's transitional rule: the active version signs, the bundle holds active + transitional.
@Suite struct CredentialSetTests {
    static func ca(_ version: Int, transitional: Bool = false) -> CredentialSet.Version {
        .init(name: "ca", version: version, type: .certificate, ca: "ca", transitional: transitional,
              secret: SecretFields(["certificate": "CA\(version)", "private_key": "CAKEY\(version)", "ca": "CA\(version)"]))
    }

    static func leaf(_ version: Int) -> CredentialSet.Version {
        .init(name: "leaf", version: version, type: .certificate, ca: "ca", transitional: false,
              secret: SecretFields(["certificate": "LEAF\(version)", "private_key": "KEY\(version)", "ca": "stale"]))
    }

    static let pw = CredentialSet.Version(name: "pw", version: 2, type: .password, ca: nil, transitional: false, secret: SecretFields(["password": "p"]))

    @Test func theThreePhasesOfACARotationRenderAsCredHubDoes() throws {
        // Before: one CA.
        var set = CredentialSet([Self.ca(1), Self.leaf(1), Self.pw])
        #expect(try set.fields("leaf")["ca"] == "CA1\n")
        #expect(set.token("leaf") == "v1;ca=v1" && set.token("pw") == "v2")
        // Phase 1: the new CA is transitional; the old one still signs; both are trusted.
        set = CredentialSet([Self.ca(1), Self.ca(2, transitional: true), Self.leaf(1)])
        #expect(set.active("ca")?.version == 1)
        #expect(try set.fields("leaf")["ca"] == "CA1\nCA2\n" && set.token("leaf") == "v1;ca=v1+v2")
        #expect(try set.fields("ca")["certificate"] == "CA1" && set.token("ca") == "v1;ca=v1+v2")
        // Phase 2: the new CA signs and the old one is transitional; leaves re-issued.
        set = CredentialSet([Self.ca(1, transitional: true), Self.ca(2), Self.leaf(1), Self.leaf(2)])
        #expect(set.active("ca")?.version == 2 && set.active("leaf")?.version == 2)
        #expect(try set.fields("leaf")["ca"] == "CA2\nCA1\n")
        #expect(try set.fields("leaf")["certificate"] == "LEAF2")
        #expect(set.token("leaf") == "v2;ca=v2+v1")
        // Phase 3: only the new CA is trusted.
        set = CredentialSet([Self.ca(1), Self.ca(2), Self.leaf(1), Self.leaf(2)])
        #expect(try set.fields("leaf")["ca"] == "CA2\n" && set.token("leaf") == "v2;ca=v2")
    }

    @Test func metadataAloneGivesTokensButNotValues() throws {
        let set = CredentialSet([.init(name: "pw", version: 1, type: .password, ca: nil, transitional: false)])
        #expect(set.tokens == ["pw": "v1"])
        let error = #expect(throws: CredentialError.self) { try set.fields("pw") }
        #expect(error?.message == "credential 'pw' was not opened")
        #expect(set.token("nope") == nil)
    }

    @Test func rendererMarksEverySecretPath() throws {
        let renderer = PropertyRenderer(credentials: [
            "pw": SecretFields(["password": "p"]),
            "tls": SecretFields(["certificate": "C", "private_key": "K", "ca": "A"]),
        ])
        let (value, paths) = try renderer.renderTrackingSecrets(.object([
            "whole": .string("((tls))"), "cert": .string("((tls.certificate))"), "key": .string("((tls.private_key))"),
            "user": .string("admin:((pw))"), "list": .array([.string("((pw))"), .string("plain")]), "a/b": .string("((pw))"),
        ]))
        #expect(Set(paths) == ["/whole/private_key", "/key", "/user", "/list/0", "/a~1b"])
        let redacted = paths.reduce(value) { $0.replacing(pointer: $1, with: .string("<redacted>")) }
        #expect(redacted == .object([
            "whole": .object(["certificate": .string("C"), "private_key": .string("<redacted>"), "ca": .string("A")]),
            "cert": .string("C"), "key": .string("<redacted>"), "user": .string("<redacted>"),
            "list": .array([.string("<redacted>"), .string("plain")]), "a/b": .string("<redacted>"),
        ]))
    }
}
