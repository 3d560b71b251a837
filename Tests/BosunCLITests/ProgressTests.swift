import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `apply`'s progress: plain lines through a pipe (stderr under `--json`), and on a real
/// pseudo-terminal (`script`) a live line that fits the width, never shares a line with a log
/// line, and is gone after Ctrl-C.
@Suite(.serialized) struct ProgressTests {
    @Test func plainLinesThroughAPipe() throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 1, workers: 2, workerDisk: nil))
        let r = try w.apply()
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        for instance in ["demo/master/0", "demo/worker/0", "demo/worker/1"] {
            #expect(lines.contains { $0.hasSuffix("| Creating instance \(instance) ...") }, "\(r.stdout)")
            #expect(lines.contains { $0.contains("| Creating instance \(instance) ... Finished (00:00:0") }, "\(r.stdout)")
        }
        #expect(lines.contains { $0.contains("| Done: 3 instances finished, ") })
        #expect(!r.stdout.contains("\u{1B}["), "no escape sequences through a pipe")
        // A rollout marks its canary.
        try w.publish(SimWorld.spec(masters: 1, workers: 2, version: "1.31.3", workerDisk: nil))
        let rollout = try w.apply()
        #expect(rollout.stdout.contains("| Updating instance demo/worker/0 (canary) ... Finished ("), "\(rollout.stdout)")

        try w.publish(SimWorld.spec(masters: 1, workers: 3, version: "1.31.3", workerDisk: nil))
        let json = try w.apply(["--json"])
        #expect(json.status == 0)
        #expect((try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8))) != nil, "stdout stays one JSON document")
        #expect(json.stderr.contains("| Creating instance demo/worker/2 ... Finished ("))
        try w.publish(SimWorld.spec(masters: 1, workers: 4, version: "1.31.3", workerDisk: nil))
        let quiet = try w.apply(["--progress", "none"])
        #expect(!quiet.stdout.contains("Creating instance"))
    }

    /// Runs `bosun ARGS` on a pseudo-terminal `columns` wide; returns what the terminal got.
    func onTerminal(_ w: SimWorld, _ args: [String], columns: Int, interruptWhen: (() throws -> Bool)? = nil) async throws -> (output: String, status: Int32) {
        let transcript = w.dir + "/tty-\(columns).out"
        let command = ([BosunProcess.binary] + args + ["--db", w.db, "--specs", w.specs] + SimWorld.fast).map { "'\($0)'" }.joined(separator: " ")
        let script = try BosunProcess.startRaw("/usr/bin/script", ["-q", "-e", "-c", "stty cols \(columns) rows 40; BOSUN_SETTLE=0s exec \(command)", transcript])
        defer { if script.isRunning { kill(script.processIdentifier, SIGKILL) } }
        if let interruptWhen {
            try await BosunProcess.waitFor("work under way", timeout: .seconds(60), interruptWhen)
            let pid = try #require(Self.pid(of: w.db))
            kill(pid, SIGINT)
        }
        let status = try await BosunProcess.waitExit(script, timeout: .seconds(120))
        return (try String(contentsOfFile: transcript, encoding: .utf8), status)
    }

    static func pid(of db: String) -> Int32? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
        p.arguments = ["-f", "--", "^\(BosunProcess.binary) apply .*--db \(db)"]
        let out = Pipe()
        p.standardOutput = out
        try? p.run()
        p.waitUntilExit()
        return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").compactMap { Int32($0) }.first
    }

    /// The visible text of each screen row the live line drew (between `\r` + erase-line and
    /// the next control), without colour sequences.
    static func drawnLines(_ raw: String) -> [String] {
        raw.components(separatedBy: "\r\u{1B}[2K").dropFirst().map { chunk in
            // By scalars: "\r\n" is one Character, which a Character split would not cut.
            chunk.components(separatedBy: CharacterSet(charactersIn: "\r\n")).first ?? ""
        }.map { $0.replacingOccurrences(of: #"\x{1B}\[[0-9;]*m"#, with: "", options: .regularExpression) }
    }

    @Test func aLiveLineFitsANarrowTerminalAndStepsAroundLogLines() async throws {
        let w = try SimWorld()
        try w.publish(SimWorld.spec(masters: 3, workers: 6))
        let (raw, status) = try await onTerminal(w, ["apply", "--log-level", "info", "--poll", "20ms"], columns: 40)
        #expect(status == 0, "\(raw)")
        let drawn = Self.drawnLines(raw)
        #expect(drawn.contains { $0.contains("actions ·") }, "the live line was drawn")
        for line in drawn where line.contains("actions ·") || line.hasPrefix("planning") {
            #expect(line.count <= 39, "cut to the width: \(line)")
        }
        // Every log line starts on a line of its own: right after a newline or an erased line.
        var rest = raw[...]
        while let range = rest.range(of: "info bosun") {
            let before = raw[raw.startIndex..<range.lowerBound]
            // "\r\n" is one Character in Swift.
            let start = before.lastIndex(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            let head = start.map { String(before[before.index(after: $0)...]) } ?? String(before)
            #expect(head.range(of: #"^(\x{1B}\[2K)?\d{4}-\d\d-\d\dT[\d:]+\+0000 $"#, options: .regularExpression) != nil, "log line glued to: \(head.debugDescription)")
            rest = raw[range.upperBound...]
        }
        #expect(raw.contains("| Done: 9 instances finished"))
        let tail = raw.components(separatedBy: "CLUSTER").last ?? ""
        #expect(tail.contains("converged"))
    }

    @Test func ctrlCOnATerminalStopsCleanlyAndSaysSo() async throws {
        let w = try SimWorld()
        #expect(try w.bosun(["sim", "faults", "--latency", "20ms"]).status == 0)
        try w.publish(SimWorld.spec(masters: 3, workers: 30))
        let (raw, status) = try await onTerminal(w, ["apply", "--workers", "4"], columns: 100) {
            (Int(try w.sql("SELECT count(*) FROM actions WHERE state = 'succeeded'")) ?? 0) >= 10
        }
        #expect(status == 1, "an interrupted apply did not converge")
        #expect(raw.contains("stopping: in-flight actions finish, the rest is parked"), "\(raw)")
        #expect(raw.contains("| Done: "))
        let summary = try #require(raw.components(separatedBy: "CLUSTER").last)
        #expect(summary.contains("stopped"))
        #expect(summary.contains("interrupted: "))
        #expect(!summary.contains("actions ·"), "the live line is gone before the summary")
    }
}
