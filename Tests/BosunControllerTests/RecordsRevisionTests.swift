import BosunController
import BosunModel
import BosunProvider
import BosunSim
import BosunSpec
import BosunStore
import Foundation
import Logging
import Testing

/// The fast path trusts `cluster_revisions.revision` (migration v0008's triggers): an unchanged
/// revision must mean unchanged records. Seeded sequences of everything that writes a cluster's
/// rows — spec changes, full passes after chaos in the cloud, orphaned and deleted disks, heal
/// requests, pruning, deletion — checked after every step; and the bookkeeping a settled pass
/// writes (phase, health, findings) must leave the revision alone, or the fast path would never
/// be taken. Real state and sim files.
@Suite struct RecordsRevisionTests {
    @Test(arguments: 0..<4)
    func anUnchangedRevisionMeansUnchangedRecords(seed: Int) async throws {
        let (dir, store, sim, reconciler) = try FastPathTests.world(seed: seed, prefix: "bosun-rev")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ingester = Ingester(store: store, directory: dir + "/specs", settle: 0)
        var workers = 2
        var version = 1
        func publish() throws {
            try FastPathTests.spec(workers: workers, version: "1.31.\(version)")
                .write(toFile: dir + "/specs/c.yaml", atomically: true, encoding: .utf8)
        }
        func snapshot() throws -> (revision: Int64, digest: Int) {
            let state = try #require(try store.clusterState("c"))
            #expect(try store.recordsRevision("c") == state.revision)
            return (state.revision, state.digest)
        }
        var before = (revision: Int64(-1), digest: 0)
        var bumps = 0
        func check(_ what: String) throws {
            let now = try snapshot()
            if now.revision == before.revision {
                #expect(now.digest == before.digest, "\(what) changed the records without bumping the revision (seed \(seed))")
            } else {
                #expect(now.revision > before.revision, "\(what): the revision went backwards")
                bumps += 1
            }
            before = now
        }
        func converge() async throws {
            for pass in 0..<30 {
                let outcome = await reconciler.reconcile("c")
                try check("pass \(pass)")
                if case .converged = outcome { return }
            }
            Issue.record("did not converge (seed \(seed))")
        }
        try publish()
        try await ingester.pass()
        before = try snapshot()
        // Passes write many small transactions: a watcher reading consistent snapshots as fast
        // as it can catches a write that changed the records alone, without a bump.
        let watcher = Task.detached { () -> [String] in
            var last: (revision: Int64, digest: Int)?
            var violations: [String] = []
            var reads = 0
            while !Task.isCancelled {
                guard let state = try? store.clusterState("c") else { continue }
                reads += 1
                let now = (state.revision, state.digest)
                if let last, last.revision == now.0, last.digest != now.1 { violations.append("revision \(now.0)") }
                last = now
                await Task.yield()
            }
            return violations + (reads < 50 ? ["only \(reads) snapshots"] : [])
        }
        try await converge()

        // A settled pass's own writes (phase, health, findings) leave the revision alone.
        let settled = try snapshot()
        guard case .converged = await reconciler.reconcile("c") else {
            Issue.record("a settled cluster did not stay converged")
            return
        }
        try store.finishPass(cluster: "c", phase: "converged", error: nil, convergedGeneration: 1)
        #expect(try snapshot().revision == settled.revision, "bookkeeping bumped the revision")

        var rng = SplitMix64(seed: UInt64(seed) &+ 7)
        for step in 0..<12 {
            let vms = try await sim.console.vms(cluster: "c").map(\.vm).filter { $0.group != "rogue" }
            let vm = vms[Int(rng.next() % UInt64(vms.count))]
            switch rng.next() % 8 {
            case 0: try await sim.console.kill(vm: vm.id)
            case 1:
                if let disk = try await sim.console.disks(cluster: "c").first(where: { $0.attachedTo == vm.id }) {
                    try await sim.console.detach(disk: disk.id)
                }
            case 2:
                workers = workers == 2 ? 3 : 2  // scale down orphans a disk, up re-adopts it
                try publish()
                try await ingester.pass()
                try check("spec change (workers) at step \(step)")
            case 3:
                version += 1
                try publish()
                try await ingester.pass()
                try check("spec change (version) at step \(step)")
            case 4:
                try store.requestHealOverride(cluster: "c")
                try check("heal request at step \(step)")
                _ = try store.takeHealOverride(cluster: "c")
                try check("heal taken at step \(step)")
            case 5:
                for disk in try store.orphanedDisks() where disk.cluster == "c" {
                    try store.markDiskDeleted(disk.disk)
                    try check("disk deleted at step \(step)")
                }
            case 6:
                _ = try store.prune(RetentionPolicy(maxAge: .zero, actionsPerCluster: 0, eventsPerCluster: 0))
                try check("prune at step \(step)")
            default:
                let master = try #require(vms.first { $0.group == "master" })
                try await sim.console.deregister(lb: "c-api", vm: master.id)
            }
            try await converge()
        }
        #expect(bumps > 0)
        try store.requestDeletion(cluster: "c")
        try check("deletion requested")
        for pass in 0..<30 {
            let outcome = await reconciler.reconcile("c")
            try check("teardown pass \(pass)")
            if case .skipped = outcome { break }
        }
        #expect(try store.clusterState("c")?.lifecycle == .deleted)
        watcher.cancel()
        let violations = await watcher.value
        #expect(violations.isEmpty, "records changed under an unchanged revision: \(violations.prefix(5)) (seed \(seed))")
        try? sim.close()
        try? store.close()
    }
}
