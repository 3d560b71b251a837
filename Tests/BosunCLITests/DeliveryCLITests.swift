import Foundation
import Testing

/// `specs/cfcr.yaml` delivered: every node gets its identity, jobs, properties with credentials
/// resolved and links to every instance; `bosun sim node` shows it with secrets masked.
@Suite(.serialized) struct DeliveryCLITests {
    let dir: String
    var db: String { dir + "/bosun.db" }
    var specs: String { dir + "/specs" }

    init() throws {
        dir = try tempDirectory()
        try FileManager.default.createDirectory(atPath: specs, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: BosunProcess.root.appendingPathComponent("specs/cfcr.yaml").path, toPath: specs + "/cfcr.yaml")
    }

    func bosun(_ args: [String]) throws -> BosunProcess.Result {
        try BosunProcess.run(args + ["--db", db], environment: ["BOSUN_SIM_STATE": dir + "/sim.db"])
    }

    func json(_ args: [String]) throws -> [String: Any] {
        let r = try bosun(args)
        #expect(r.status == 0, "\(args): \(r.stderr)")
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
    }

    func vms() throws -> [[String: Any]] {
        try json(["sim", "vms", "--json", "--cluster", "cfcr"])["vms"] as? [[String: Any]] ?? []
    }

    func vm(_ group: String, _ index: Int) throws -> [String: Any] {
        try #require(try vms().first { $0["group"] as? String == group && $0["index"] as? Int == index })
    }

    func write(_ text: String, _ name: String) throws -> String {
        let path = dir + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func everyNodeGetsItsRenderedConfigurationWithLinksAndSecretsMaskedUnlessAsked() throws {
        let applied = try bosun(["apply", "--specs", specs, "--settle", "0s"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        let master = try vm("master", 1)
        let id = try #require(master["id"] as? String)
        let node = try json(["sim", "node", id, "--json"])
        let identity = try #require(node["identity"] as? [String: Any])
        #expect(identity["instance_id"] as? String == "cfcr/master/1" && identity["group"] as? String == "master")
        #expect(identity["address"] as? String == master["address"] as? String && (master["address"] as? String)?.hasPrefix("10.") == true)
        #expect(node["jobs"] as? [String] == ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"])
        #expect(node["kubernetes_version"] as? String == "1.31.2")
        // The hash it got is the one Bosun recorded for the instance.
        let recorded = try sqlite3(db, "SELECT applied_hash FROM instances WHERE id = 'cfcr/master/1'")
        #expect(node["hash"] as? String == recorded)

        // Links: every instance of every group, with the address of its VM.
        let links = try #require(node["links"] as? [String: [[String: Any]]])
        let addresses = try Dictionary(uniqueKeysWithValues: vms().map { ("\($0["group"]!)/\($0["index"]!)", $0["address"] as? String) })
        for group in ["master", "worker"] {
            let members = try #require(links[group])
            #expect(members.map { $0["index"] as? Int } == Array(0..<(group == "master" ? 3 : 5)))
            for member in members {
                #expect(member["address"] as? String == addresses["\(group)/\(member["index"]!)"] ?? "missing", "\(group) \(member)")
            }
        }

        // Masked by default: passwords and private keys; certificates are public.
        let properties = try #require(node["properties"] as? [String: Any])
        let api = try #require(properties["kube-apiserver"] as? [String: Any])
        #expect(api["admin-password"] as? String == "<redacted>")
        let peer = try #require(((properties["etcd"] as? [String: Any])?["tls"] as? [String: Any])?["peer"] as? [String: String])
        #expect(peer["private_key"] == "<redacted>" && peer["certificate"]?.contains("BEGIN CERTIFICATE") == true)
        let manager = try #require(properties["kube-controller-manager"] as? [String: Any])
        #expect(manager["kubeconfig-user"] as? String == "<redacted>", "a password inside a longer string")
        let text = try bosun(["sim", "node", id])
        #expect(text.status == 0 && text.stdout.contains("cfcr/master/1") && !text.stdout.contains("PRIVATE KEY"))
        #expect(text.stdout.contains("master: 0=10.") && text.stdout.contains("worker: 0=10."), "\(text.stdout)")

        // Revealed: the very values `creds get` prints, and a key pair openssl accepts.
        let revealed = try json(["sim", "node", id, "--json", "--reveal"])
        let revealedProperties = try #require(revealed["properties"] as? [String: Any])
        let password = try bosun(["creds", "get", "cfcr", "kubo-admin-password"]).stdout.trimmingCharacters(in: .newlines)
        #expect((revealedProperties["kube-apiserver"] as? [String: Any])?["admin-password"] as? String == password)
        #expect(!text.stdout.contains(password))
        let tls = try #require(((revealedProperties["etcd"] as? [String: Any])?["tls"] as? [String: Any])?["peer"] as? [String: String])
        let caFile = try write(try #require(tls["ca"]), "peer-ca.pem")
        let (verify, verifyOut) = try CredentialsCLITests.openssl(["verify", "-CAfile", caFile], input: try #require(tls["certificate"]))
        #expect(verify == 0, "\(verifyOut)")
        let (_, certKey) = try CredentialsCLITests.openssl(["x509", "-noout", "-pubkey"], input: tls["certificate"]!)
        let (_, privateKey) = try CredentialsCLITests.openssl(["pkey", "-pubout"], input: try #require(tls["private_key"]))
        #expect(certKey.contains("PUBLIC KEY") && certKey == privateKey, "the delivered key matches the delivered certificate")

        // A worker gets its own group's properties, none of the masters' secrets.
        let worker = try json(["sim", "node", try #require(try vm("worker", 4)["id"] as? String), "--json", "--reveal"])
        let workerProperties = try #require(worker["properties"] as? [String: Any])
        #expect(Set(workerProperties.keys) == ["kubelet", "kube-proxy", "flanneld"])
        #expect(!String(describing: worker).contains(password))
    }

    @Test func aNodeThatNeverStartedHasNoConfigurationAndAMissingVMIsAClearError() throws {
        let created = try bosun(["sim", "create-vm", "--cluster", "x", "--key", "k1"])
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(try json(["sim", "vms", "--json"])["vms"].flatMap { ($0 as? [[String: Any]])?.first?["id"] as? String })
        let none = try bosun(["sim", "node", id])
        #expect(none.status == 0 && none.stdout == "\(id) has received no configuration yet\n")
        let missing = try bosun(["sim", "node", "vm-999999"])
        #expect(missing.status == 1 && missing.stderr.contains("vm-999999"), "\(missing.stderr)")
    }
}
