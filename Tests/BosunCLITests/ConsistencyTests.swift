import Foundation
import Testing

/// The small promises every command keeps alike: unknown names fail, bad numbers and units are
/// named as such, one spelling per option (the old one still works), counts read right.
@Suite struct ConsistencyTests {
    @Test func eventsOfAnUnknownClusterFailAsStatusDoes() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 0, workers: 1, workerDisk: nil))
        #expect(try w.apply().status == 0)
        for args in [["events", "nope"], ["events", "--json", "nope"], ["status", "nope"]] {
            let r = try w.bosun(args)
            #expect(r.status == 1, "\(args)")
            #expect(r.stderr.contains("no cluster named 'nope'"), "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(args)")
        }
        let known = try w.bosun(["events", "demo"])
        #expect(known.status == 0)
        #expect(known.stdout.contains("spec-accepted"))
    }

    @Test func negativeNumbersAreOutOfRangeNotMissing() throws {
        let w = try SimWorld()
        let events = try w.bosun(["events", "--limit", "-1"])
        #expect(events.status == 64)
        #expect(events.stderr.contains("--limit must be from 1 to 100000"), "\(events.stderr)")
        #expect(!events.stderr.contains("Missing value"))
        let apply = try w.bosun(["apply", "--workers", "-3"])
        #expect(apply.status == 64)
        #expect(!apply.stderr.contains("Missing value"), "\(apply.stderr)")
        #expect(apply.stderr.contains("--workers"), "\(apply.stderr)")
    }

    @Test func aDurationWithoutUnitSaysAUnitIsNeeded() throws {
        let w = try SimWorld()
        for args in [["run", "--interval", "5"], ["apply", "--poll", "500"], ["run", "--retain", "7"]] {
            let r = try w.bosun(args)
            #expect(r.status == 64, "\(args)")
            let first = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
            #expect(first.contains("'\(args[2])' is invalid for '\(args[1]) <duration>'"), "\(args): \(first)")
            #expect(first.contains("a duration needs a unit"), "\(args): \(first)")
        }
    }

    @Test func simCommandsTakeTheSameSimStateOptionAsTheRest() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 0, workers: 2, workerDisk: nil))
        let state = w.dir + "/elsewhere-sim.db"
        #expect(try w.bosun(["apply", "--sim-state", state]).status == 0)
        for spelling in ["--sim-state", "--state"] {
            let r = try BosunProcess.run(["sim", "vms", "--json", "--db", w.db, spelling, state])
            #expect(r.status == 0, "\(spelling): \(r.stderr)")
            #expect(r.stdout.components(separatedBy: "\"instance_id\"").count - 1 == 2, "\(spelling)")
        }
        let help = try BosunProcess.run(["sim", "vms", "--help"])
        #expect(help.stdout.contains("--sim-state"))
    }

    @Test func countsReadInTheRightNumber() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 0, workers: 1, workerDisk: nil))
        let plan = try w.bosun(["plan"])
        #expect(plan.stdout.contains("demo: 1 instance, 3 steps"), "\(plan.stdout)")
        #expect(!plan.stdout.contains("1 instances"))
        #expect(try w.apply().status == 0)
        let started = try w.sql("SELECT message FROM events WHERE kind = 'plan-started'")
        #expect(started.contains("for 1 instance"), "\(started)")
        #expect(!started.contains("1 instances"))
    }

    @Test func deletedClustersAreHiddenUnlessAll() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 0, workers: 1, workerDisk: nil))
        try w.publish(SimWorld.spec(name: "keep", masters: 0, workers: 1, workerDisk: nil), as: "keep.yaml")
        #expect(try w.apply().status == 0)
        #expect(try w.bosun(["delete", "demo", "--yes"], fast: true).status == 0)
        let plain = try w.bosun(["status"])
        #expect(plain.status == 0)
        #expect(plain.stdout.contains("keep "))
        #expect(!plain.stdout.contains("demo "), "\(plain.stdout)")
        #expect(plain.stdout.contains("(1 deleted cluster not shown; `bosun status --all` lists them)"), "\(plain.stdout)")
        let all = try w.bosun(["status", "--all"])
        #expect(all.stdout.contains("demo ") && all.stdout.contains("deleted"), "\(all.stdout)")
        let json = try w.bosun(["status", "--json"])
        #expect(!json.stdout.contains("\"demo\""))
        #expect(try w.bosun(["status", "--json", "--all"]).stdout.contains("\"demo\""))
        // Named, it is shown whatever its lifecycle.
        #expect(try w.bosun(["status", "demo"]).stdout.contains("deleted"))
    }

    @Test func jsonKeepsNullFieldsUsesRFC3339AndLogsNumbersAsNumbers() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(name: "123", masters: 0, workers: 1, workerDisk: nil).replacingOccurrences(of: "name: 123", with: "name: \"123\""), as: "123.yaml")
        #expect(try w.apply().status == 0)
        let status = try JSONSerialization.jsonObject(with: Data(try w.bosun(["status", "--json"]).stdout.utf8)) as? [String: Any]
        let cluster = try #require((status?["clusters"] as? [[String: Any]])?.first)
        #expect(cluster.keys.contains("last_error") && cluster["last_error"] is NSNull, "absent is null, not missing")
        #expect(cluster["teardown_at"] is NSNull)
        let rfc3339 = #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$"#
        for key in ["accepted_at", "updated_at", "last_pass_at"] {
            let text = cluster[key] as? String ?? ""
            #expect(text.range(of: rfc3339, options: .regularExpression) != nil, "\(key): \(text)")
        }
        let events = try JSONSerialization.jsonObject(with: Data(try w.bosun(["events", "--json"]).stdout.utf8)) as? [[String: Any]]
        #expect(events?.allSatisfy { ($0["at"] as? String)?.range(of: rfc3339, options: .regularExpression) != nil && $0.keys.contains("instance") } == true)

        let logged = try w.bosun(["plan", "--log-format", "json", "--log-level", "info"])
        let lines = logged.stderr.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let ingest = try #require(lines.first { $0["message"] as? String == "initial ingestion pass" }, "\(logged.stderr)")
        #expect(ingest["files"] as? Int == 1, "a count is a number")
        let accepted = lines.first { $0["message"] as? String == "spec accepted" } ?? lines.first { $0["cluster"] != nil }
        if let accepted { #expect(accepted["cluster"] is String, "a name stays a string, even 123") }
    }

    /// Help text is wrapped by the parser to the width, not hard-wrapped in the source: in every
    /// paragraph before USAGE, each line but the last is nearly full (80 columns in a pipe).
    @Test(arguments: [["--help"], ["creds", "--help"], ["sim", "--help"], ["sim", "fail-job", "--help"], ["sim", "faults", "--help"], ["sim", "calls", "--help"]])
    func helpTextFlows(args: [String]) throws {
        let r = try BosunProcess.run(args)
        #expect(r.status == 0)
        let head = r.stdout.components(separatedBy: "USAGE:").first ?? ""
        for paragraph in head.components(separatedBy: "\n\n") {
            let lines = paragraph.split(separator: "\n").map(String.init)
            for line in lines.dropLast() {
                #expect(line.count >= 60, "hard-wrapped: \(line.debugDescription) in \(args)")
            }
        }
    }

    /// Defaults in help read as the README writes them.
    @Test func helpDefaultsUseTheLargestWholeUnit() throws {
        let help = try BosunProcess.run(["apply", "--help"]).stdout
        #expect(help.contains("(default: 10m)"), "create timeout")
        #expect(help.contains("(default: 5m)"), "action timeout")
        #expect(help.contains("(default: 500ms)"))
        #expect(!help.contains("600s") && !help.contains("300s"))
    }
}
