import BosunCredentials
import BosunModel
import BosunSpec
import Foundation
import Testing

@Suite struct PropertyRendererTests {
    static let credentials: [String: SecretFields] = [
        "pw": SecretFields(["password": "s3cret"]),
        "tls": SecretFields(["certificate": "CERT", "private_key": "KEY", "ca": "CA"]),
    ]
    let renderer = PropertyRenderer(credentials: Self.credentials)

    @Test func wholeReferencesKeepTheirTypeAndKeysAreStrings() throws {
        let rendered = try renderer.render(.object([
            "a": .string("((pw))"), "b": .string("((tls))"), "c": .string("((tls.ca))"), "n": .int(3),
            "list": .array([.string("((tls.private_key))"), .bool(true), .null]),
        ]))
        #expect(rendered == .object([
            "a": .string("s3cret"), "b": .object(["certificate": .string("CERT"), "private_key": .string("KEY"), "ca": .string("CA")]),
            "c": .string("CA"), "n": .int(3), "list": .array([.string("KEY"), .bool(true), .null]),
        ]))
    }

    @Test func referencesInsideStringsAreInterpolated() throws {
        #expect(try renderer.render(.string("admin:((pw))@((tls.ca))!")) == .string("admin:s3cret@CA!"))
        #expect(try renderer.render(.string("no refs (( here")) == .string("no refs (( here"))
        #expect(try renderer.render(.string("é((pw))ü—((tls.ca))")) == .string("és3cretü—CA"))
    }

    @Test func problemsNameTheReferenceNotAValue() throws {
        let missing = #expect(throws: CredentialError.self) { try renderer.render(.string("((nope))")) }
        #expect(missing?.message == "no credential 'nope' for ((nope))")
        let key = #expect(throws: CredentialError.self) { try renderer.render(.string("((pw.x))")) }
        #expect(key?.message == "credential 'pw' has no key 'x'")
        let inside = #expect(throws: CredentialError.self) { try renderer.render(.string("x((tls))")) }
        #expect(inside?.message == "((tls)) is a mapping and cannot be part of a longer string")
    }

    @Test func cfcrPropertiesRenderWithNoReferenceLeft() throws {
        let cfcr = GenerationTests.cfcr
        let renderer = PropertyRenderer(credentials: cfcr.credentials.mapValues(\.secret))
        let text = try String(contentsOf: GenerationTests.repo.appendingPathComponent("specs/cfcr.yaml"), encoding: .utf8)
        let spec = try SpecDecoder().decode(yaml: text, file: "cfcr.yaml").get()
        for group in spec.groups {
            let rendered = try renderer.render(group.properties)
            #expect(VariableReferences.names(in: rendered).isEmpty, "\(group.name)")
        }
        let master = try renderer.render(spec.groups[0].properties)
        guard case .object(let top) = master, case .object(let etcd)? = top["etcd"], case .object(let tls)? = etcd["tls"],
            case .object(let server)? = tls["server"], case .object(let kcm)? = top["kube-controller-manager"]
        else {
            Issue.record("unexpected shape")
            return
        }
        #expect(server["certificate"] == .string(cfcr.credentials["tls-etcd"]?.secret["certificate"] ?? "?"))
        #expect(kcm["kubeconfig-user"] == .string("kube-controller-manager:" + (cfcr.credentials["kube-controller-manager-password"]?.secret["password"] ?? "?")))
    }
}
