import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Events say what a pass is about and when a change is done, and `events --follow` streams
/// them as they are recorded, through a pipe.
@Suite struct EventsTests {
    @Test func aHealingPlanNamesItsInstanceAndReasonAndConvergedSaysHowLong() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 0, workers: 2, workerDisk: nil))
        #expect(try w.apply().status == 0)
        let first = try w.sql("SELECT message FROM events WHERE kind = 'converged'")
        #expect(first.hasPrefix("generation 1 converged in "), "\(first)")
        #expect(first.hasSuffix(" s after 6 actions"), "\(first)")
        let victim = try #require(try w.vms().first { $0.instanceId == "demo/worker/1" }).id
        #expect(try w.bosun(["sim", "kill", victim]).status == 0)
        #expect(try w.apply().status == 0)
        let healing = try w.sql("SELECT instance || ' | ' || message FROM events WHERE kind = 'plan-started' ORDER BY id DESC LIMIT 1")
        #expect(healing.hasPrefix("demo/worker/1 | plan "), "\(healing)")
        #expect(healing.contains("for 1 instance: demo/worker/1 ("), "\(healing)")
        #expect(healing.contains(victim), "the reason names the VM that is gone: \(healing)")
        #expect(try w.sql("SELECT count(*) FROM events WHERE kind = 'converged'") == "2")
        let table = try w.bosun(["events", "demo"])
        #expect(table.stdout.contains("INSTANCE"))
        #expect(table.stdout.contains("demo/worker/1  plan-started"), "the instance is a column: \(table.stdout)")
        // A pass that finds nothing to do is not a change: no third `converged`.
        #expect(try w.apply().status == 0)
        #expect(try w.sql("SELECT count(*) FROM events WHERE kind = 'converged'") == "2")
    }

    @Test func followStreamsNewEventsThroughAPipeUntilInterrupted() async throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 0, workers: 1, workerDisk: nil))
        #expect(try w.apply().status == 0)
        let text = w.dir + "/follow.txt", lines = w.dir + "/follow.jsonl"
        let follower = try BosunProcess.start(["events", "--follow", "--db", w.db, "demo"], log: text)
        let jsonFollower = try BosunProcess.start(["events", "-f", "--json", "--db", w.db], log: lines)
        defer { for p in [follower, jsonFollower] where p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        try await BosunProcess.waitFor("the events so far") {
            try String(contentsOfFile: text, encoding: .utf8).contains("spec-accepted")
                && String(contentsOfFile: lines, encoding: .utf8).contains("\"spec-accepted\"")
        }
        try w.publish(SimWorld.spec(masters: 0, workers: 2, workerDisk: nil))
        #expect(try w.apply().status == 0)
        try await BosunProcess.waitFor("the new change, streamed") {
            let seen = try String(contentsOfFile: text, encoding: .utf8)
            return seen.contains("generation 2 converged in ") && seen.contains("for 1 instance: demo/worker/1")
        }
        try await BosunProcess.waitFor("the new change, as JSON lines") {
            try String(contentsOfFile: lines, encoding: .utf8).contains("generation 2 converged in ")
        }
        kill(follower.processIdentifier, SIGINT)
        kill(jsonFollower.processIdentifier, SIGTERM)
        #expect(try await BosunProcess.waitExit(follower) == 0)
        #expect(try await BosunProcess.waitExit(jsonFollower) == 0)
        for line in try String(contentsOfFile: lines, encoding: .utf8).split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["kind"] is String, "\(line)")
            #expect(object?["id"] is Int, "\(line)")
        }
        let streamed = try String(contentsOfFile: text, encoding: .utf8)
        #expect(!streamed.contains("other"), "only demo's events")
    }
}
