import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `bosun creds rotate` through the real binary: it asks before acting, a CA rotates in three
/// phases, a SIGKILL in the middle leaves a rotation `status` shows and the same command
/// resumes, and afterwards openssl trusts the re-issued leaves under the new CA only.
@Suite(.serialized) struct RotateCLITests {
    let dir: String
    var db: String { dir + "/bosun.db" }
    var specs: String { dir + "/specs" }
    var environment: [String: String] { ["BOSUN_SIM_STATE": dir + "/sim.db"] }

    init() throws {
        dir = try tempDirectory()
        try FileManager.default.createDirectory(atPath: specs, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: BosunProcess.root.appendingPathComponent("specs/cfcr.yaml").path, toPath: specs + "/cfcr.yaml")
    }

    func bosun(_ args: [String]) throws -> BosunProcess.Result {
        try BosunProcess.run(args + ["--db", db], environment: environment)
    }

    func write(_ text: String, _ name: String) throws -> String {
        let path = dir + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// What `status` and `plan` say while phase N is rolling out.
    static let during: [Int: (status: String, bundle: String)] = [
        1: ("phase 1 of 3: new CA v2 added to trust bundles", "((tls-kubernetes)) v1 (kubo_ca v1+v2)"),
        2: ("phase 2 of 3: certificates re-issued by CA v2", "((tls-kubernetes)) v2 (kubo_ca v2+v1)"),
        3: ("phase 3 of 3: old CA v1 removed from trust bundles", "((tls-kubernetes)) v2 (kubo_ca v2)"),
    ]

    @Test(arguments: [1, 2, 3])
    func aCARotationAsksFirstSurvivesSIGKILLInEachPhaseAndEndsTrustingOnlyTheNewCA(phase: Int) async throws {
        let applied = try bosun(["apply", "--specs", specs, "--settle", "0s"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        let oldCA = try bosun(["creds", "get", "cfcr", "kubo_ca"]).stdout

        // Without --yes and without a terminal: refused, nothing changes.
        let refused = try bosun(["creds", "rotate", "cfcr", "kubo_ca", "--progress", "none"])
        #expect(refused.status == 1 && refused.stderr.contains("re-run with --yes"), "\(refused.stderr)")
        let unknown = try bosun(["creds", "rotate", "cfcr", "nope", "--yes", "--progress", "none"])
        #expect(unknown.status == 1 && unknown.stderr.contains("cfcr declares no credential named nope"), "\(unknown.stderr)")
        let noCluster = try bosun(["creds", "rotate", "nosuch", "kubo_ca", "--yes", "--progress", "none"])
        #expect(noCluster.status == 1 && noCluster.stderr.contains("no cluster named nosuch"), "\(noCluster.stderr)")
        #expect(try sqlite3(db, "SELECT count(*) FROM rotations") == "0")
        #expect(try sqlite3(db, "SELECT count(*) FROM credential_versions") == "20")

        // Slow the cloud down so the kill lands inside the phase's rollout.
        #expect(try bosun(["sim", "faults", "--latency", "40ms"]).status == 0)
        let rotate = try BosunProcess.start(
            ["creds", "rotate", "cfcr", "kubo_ca", "--yes", "--progress", "plain", "--db", db], log: dir + "/rotate.log",
            environment: environment)
        defer { if rotate.isRunning { kill(rotate.processIdentifier, SIGKILL) } }
        try await BosunProcess.waitFor("phase \(phase) under way", timeout: .seconds(120)) {
            try sqlite3(db, """
                SELECT count(*) FROM actions a, credential_rotations r
                WHERE r.finished_at IS NULL AND r.phase = \(phase) AND a.kind = 'restart-jobs' AND a.state = 'succeeded' AND a.finished_at >= r.phase_started_at
                """) != "0"
        }
        kill(rotate.processIdentifier, SIGKILL)
        _ = try await BosunProcess.waitExit(rotate)
        #expect(try sqlite3(db, "SELECT phase || ' ' || in_flight FROM rotations") == "\(phase) 1")
        let expected = try #require(Self.during[phase])
        let status = try bosun(["status", "cfcr"])
        #expect(status.stdout.contains("rotation    kubo_ca: \(expected.status)"), "\(status.stdout)")
        // The kill landed mid-wave (40 ms per cloud call, 8 instances in waves of 2): `plan`
        // shows what the rest restart for, by reference and version, never a value.
        let inPhase = try sqlite3(db, """
            SELECT count(*) FROM actions a, credential_rotations r WHERE a.kind = 'restart-jobs' AND a.state = 'succeeded' AND a.finished_at >= r.phase_started_at
            """)
        try #require((Int(inPhase) ?? 8) < 8, "phase \(phase) had \(inPhase) restarts when killed")
        let plan = try bosun(["plan", "--specs", specs, "--settle", "0s"])
        #expect(plan.stdout.contains("# credentials delivered: "), "\(plan.stdout)")
        #expect(plan.stdout.contains("((kubo-admin-password)) v1") && plan.stdout.contains(expected.bundle), "\(plan.stdout)")
        #expect(plan.stdout.contains("# rotation of kubo_ca: \(expected.status)"), "\(plan.stdout)")
        let planJSON = try bosun(["plan", "--specs", specs, "--settle", "0s", "--json"])
        #expect(planJSON.stdout.contains("\"tls-kubernetes\" : \"v"), "\(planJSON.stdout.suffix(2000))")

        #expect(try bosun(["sim", "faults", "--latency", "0ms"]).status == 0)
        let resumed = try bosun(["creds", "rotate", "cfcr", "kubo_ca", "--yes", "--progress", "none"])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stderr.contains("cfcr: resuming the rotation of kubo_ca (\(expected.status))"), "\(resumed.stderr)")
        #expect(resumed.stdout.hasPrefix("cfcr: rotated kubo_ca v1 → v2; "), "\(resumed.stdout)")
        #expect(try sqlite3(db, "SELECT status || ' ' || in_flight FROM rotations") == "finished 0")
        // Every instance restarted at least once per phase (the killed wave may repeat one).
        let restarts = try sqlite3(db, """
            SELECT min(n) || ' ' || count(*) FROM (SELECT count(*) AS n FROM actions a, credential_rotations r
            WHERE a.cluster = 'cfcr' AND a.kind = 'restart-jobs' AND a.state = 'succeeded' AND a.finished_at >= r.started_at GROUP BY a.instance_id)
            """)
        #expect(restarts == "3 8", "\(restarts)")

        // openssl: the re-issued leaves verify under the new CA and not the old one.
        let newCA = try write(try bosun(["creds", "get", "cfcr", "kubo_ca"]).stdout, "new-ca.pem")
        let oldCAPath = try write(oldCA, "old-ca.pem")
        #expect(try String(contentsOfFile: newCA, encoding: .utf8) != oldCA)
        for leaf in ["tls-kubernetes", "tls-kubelet", "tls-kubelet-client"] {
            let cert = try bosun(["creds", "get", "cfcr", leaf]).stdout
            #expect(try CredentialsCLITests.openssl(["verify", "-CAfile", newCA], input: cert).0 == 0, "\(leaf) under the new CA")
            #expect(try CredentialsCLITests.openssl(["verify", "-CAfile", oldCAPath], input: cert).0 != 0, "\(leaf) not under the old CA")
        }
        // etcd_ca's certificates were left alone.
        #expect(try sqlite3(db, "SELECT max(version) FROM credential_versions WHERE name = 'tls-etcd'") == "1")
        let log = try String(contentsOfFile: dir + "/rotate.log", encoding: .utf8)
        for text in [log, resumed.stdout, resumed.stderr, status.stdout, plan.stdout, planJSON.stdout] { #expect(!text.contains("PRIVATE KEY")) }
    }
}
