import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A fleet from one base under a running controller: 50 composed cluster files, a change to
/// the base rolls out to all 50, and a broken ops file rejects only the clusters that use it,
/// which keep their last accepted spec. Real process, real inotify, real files.
@Suite(.serialized) struct FleetCLITests {
    static let clusters = 50
    static let usingOps = 10

    static func base(version: String) -> String {
        """
        name: ((name))
        provider: sim
        image: img-1
        kubernetes: { version: "\(version)" }
        groups:
          - { name: master, instances: 1, azs: [z1], vmType: small, jobs: [etcd, kube-apiserver] }
          - { name: worker, instances: ((workers)), azs: [z1], vmType: small, jobs: [kubelet] }

        """
    }

    static let goodOps = "- type: replace\n  path: /groups/name=worker/vmType\n  value: large\n"
    static let brokenOps = "# a typo in the group name\n- type: replace\n  path: /groups/name=wrker/vmType\n  value: large\n"

    /// Written beside and renamed into place, as an editor or `git checkout` does.
    static func publish(_ text: String, to path: String) throws {
        let temporary = (path as NSString).deletingLastPathComponent + "/." + (path as NSString).lastPathComponent + ".tmp"
        try text.write(toFile: temporary, atomically: false, encoding: .utf8)
        #expect(rename(temporary, path) == 0)
    }

    @Test func oneBaseFiftyClustersABaseChangeRollsOutAndABrokenOpsFileRejectsOnlyItsUsers() async throws {
        let w = try SimWorld()
        for sub in ["base", "ops"] { try FileManager.default.createDirectory(atPath: w.specs + "/" + sub, withIntermediateDirectories: true) }
        try Self.publish(Self.base(version: "1.31.2"), to: w.specs + "/base/k8s.yml")
        try Self.publish(Self.goodOps, to: w.specs + "/ops/large-workers.yml")
        for n in 0..<Self.clusters {
            let ops = n < Self.usingOps ? "ops: [ops/large-workers.yml]\n" : ""
            try Self.publish("base: base/k8s.yml\n\(ops)vars: { name: c\(String(format: "%02d", n)), workers: 1 }\n", to: w.specs + String(format: "/c%02d.yaml", n))
        }
        // The watcher alone must see the changes: no re-list, no schedule, no drift sweep.
        let run = try BosunProcess.start(
            ["run", "--db", w.db, "--specs", w.specs, "--relist", "1h", "--interval", "1h", "--drift-interval", "1h", "--settle", "0s", "--workers", "16"]
                + SimWorld.fast, log: w.dir + "/run.log")
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        func converged(generation: Int) throws -> Int {
            Int(try w.sql("SELECT count(*) FROM cluster_status WHERE phase = 'converged' AND observed_generation = \(generation)")) ?? 0
        }
        try await BosunProcess.waitFor("50 clusters converged", timeout: .seconds(240)) { try converged(generation: 1) == Self.clusters }
        #expect(try w.sql("SELECT count(*) FROM cluster_status WHERE generation = 1") == "50")
        let large = try w.vms().filter { $0.group == "worker" && $0.vmType == "large" }.count
        #expect(large == Self.usingOps, "the ops file applies to its users only")

        // One edit to the base: every cluster gets a new generation and restarts its jobs.
        try Self.publish(Self.base(version: "1.31.3"), to: w.specs + "/base/k8s.yml")
        try await BosunProcess.waitFor("the base change rolled out", timeout: .seconds(240)) { try converged(generation: 2) == Self.clusters }
        #expect(try w.sql("SELECT count(*) FROM clusters WHERE spec_json LIKE '%1.31.3%'") == "50")

        // A broken ops file: its 10 users are rejected, pointing at the op; the rest untouched.
        try Self.publish(Self.brokenOps, to: w.specs + "/ops/large-workers.yml")
        try await BosunProcess.waitFor("the broken ops file rejected", timeout: .seconds(60)) {
            try w.sql("SELECT count(*) FROM spec_errors") == "\(Self.usingOps)"
        }
        let errors = try w.sql("SELECT DISTINCT file || ':' || line || ': ' || field FROM spec_errors")
        #expect(errors == w.specs + "/ops/large-workers.yml:2: operation [0]", "\(errors)")
        #expect(try w.sql("SELECT group_concat(cluster) FROM (SELECT cluster FROM spec_errors ORDER BY cluster)")
            == (0..<Self.usingOps).map { String(format: "c%02d", $0) }.joined(separator: ","))
        // The last accepted versions stay in effect: nothing regressed, nothing else changed.
        #expect(try w.sql("SELECT count(*) FROM cluster_status WHERE generation = 2 AND lifecycle = 'active'") == "50")
        let status = try w.bosun(["status"])
        #expect(status.stdout.contains("large-workers.yml:2:"), "\(status.stdout.suffix(800))")

        kill(run.processIdentifier, SIGTERM)
        #expect(try await BosunProcess.waitExit(run, timeout: .seconds(60)) == 0)
    }
}
