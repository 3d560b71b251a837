import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 7 item 5: every command's exit code and message tells the truth. Each test is a repro
/// from the issue, run with the real binary on real files.
@Suite struct TruthTests {
    static let small = """
        name: demo
        provider: sim
        image: img-1
        kubernetes: { version: "1.31.2" }
        groups:
          - name: worker
            instances: 1
            azs: [z1]
            vmType: small
            jobs: [kubelet]

        """

    /// `bosun ARGS` with the world's paths; files are read at once (no settle wait).
    func bosun(_ w: SimWorld, _ args: [String], cwd: String? = nil) throws -> BosunProcess.Result {
        let paths = args.first == "validate" ? [] : ["--db", w.db] + (args.first == "sim" ? [] : ["--specs", w.specs])
        return try BosunProcess.run(args + paths, cwd: cwd, environment: ["BOSUN_SETTLE": "0s"])
    }

    func files(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    }

    // MARK: - plan and apply

    /// A typo used to give `plan --detailed-exitcode` 0 ("no changes") and `apply` 0 ("converged").
    @Test func planAndApplyExitOneWhenASpecTheyActOnIsRejected() throws {
        let w = try SimWorld()
        try w.publish(Self.small)
        try w.publish(Self.small.replacingOccurrences(of: "name: demo", with: "name: dev"), as: "dev.yaml")
        #expect(try bosun(w, ["apply"]).status == 0)
        try w.publish(Self.small.replacingOccurrences(of: "vmType:", with: "vmTyp:"))

        let plan = try bosun(w, ["plan", "--detailed-exitcode"])
        #expect(plan.status == 1, "\(plan.stdout)")
        #expect(plan.stderr.contains("error: rejected: \(w.specs)/demo.yaml:9:5: groups[0].vmTyp: unknown field; did you mean 'vmType'?"))
        #expect(!plan.stdout.contains("no changes"))
        let apply = try bosun(w, ["apply"])
        #expect(apply.status == 1)
        #expect(apply.stderr.contains("1 spec file is rejected; nothing was done"))
        #expect(!apply.stdout.contains("converged"))

        // Acting on another cluster is still possible; the broken file is then only a warning.
        let other = try bosun(w, ["apply", "dev"])
        #expect(other.status == 0, "\(other.stderr)")
        #expect(other.stderr.contains("warning: rejected, last accepted version stays: \(w.specs)/demo.yaml"))
        #expect(try bosun(w, ["plan", "dev", "--detailed-exitcode"]).status == 0)
        #expect(try bosun(w, ["plan", "demo"]).status == 1)
    }

    @Test func aMissingSpecsDirectoryIsAnErrorNamingItAndCreatesNothing() throws {
        let w = try SimWorld()
        let missing = w.dir + "/no/such/specs"
        for command in ["plan", "apply"] {
            let r = try BosunProcess.run([command, "--db", w.db, "--specs", missing], environment: ["BOSUN_SETTLE": "0s"])
            #expect(r.status == 1, "\(command)")
            #expect(r.stderr == "error: specs directory \(missing) does not exist; pass --specs DIR (or set BOSUN_SPECS)\n")
            #expect(r.stdout.isEmpty)
        }
        let file = w.dir + "/file"
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))
        let notDir = try BosunProcess.run(["apply", "--db", w.db, "--specs", file])
        #expect(notDir.status == 1)
        #expect(notDir.stderr.contains("specs directory \(file) is not a directory"))
        #expect(try files(w.dir) == ["file", "specs"])
    }

    /// Root reads any directory, so the unreadable case runs as `nobody`.
    @Test(.enabled(if: geteuid() == 0, "needs root to switch to nobody"))
    func anUnreadableSpecsDirectoryIsAnErrorNamingIt() throws {
        let w = try SimWorld()
        #expect(chmod(w.dir, 0o777) == 0)
        #expect(chmod(w.specs, 0o000) == 0)
        defer { chmod(w.specs, 0o755) }
        let r = try Nobody.run(["apply", "--db", w.db, "--specs", w.specs])
        #expect(r.status == 1)
        #expect(r.stderr == "error: cannot read specs directory \(w.specs): permission denied\n")
    }

    // MARK: - validate

    @Test func validateReportsNameCollisionsAmongItsFiles() throws {
        let w = try SimWorld()
        try w.publish(Self.small, as: "a.yaml")
        try w.publish(Self.small, as: "b.yaml")
        let r = try bosun(w, ["validate", "a.yaml", "b.yaml"], cwd: w.specs)
        #expect(r.status == 1)
        #expect(r.stdout == """
            a.yaml: ok (cluster demo)
            b.yaml:1:1: name: cluster 'demo' is also declared by a.yaml; names must be unique across files

            """)
        let json = try bosun(w, ["validate", "--json", "a.yaml", "b.yaml"], cwd: w.specs)
        let doc = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(doc?.map { $0["valid"] as? Bool } == [true, false])
    }

    @Test func validatePrintsAnEscapeSequenceInAKeyEscaped() throws {
        let w = try SimWorld()
        try w.publish(Self.small + #""\e[31mred": 1"# + "\n", as: "esc.yaml")
        let r = try bosun(w, ["validate", "esc.yaml"], cwd: w.specs)
        #expect(r.status == 1)
        #expect(r.stdout == #"esc.yaml:11:1: \u{1b}[31mred: unknown field; allowed here: name, provider, region, image, kubernetes, update, healing, deletion, groups, aws, variables, credentials"# + "\n")
        #expect(!r.stdout.utf8.contains(0x1b))
        // A file name may hold one too.
        try w.publish("name: [\n", as: "\u{1b}[2Jboom.yaml")
        let apply = try bosun(w, ["apply"])
        #expect(apply.status == 1)
        #expect(apply.stderr.contains(#"\u{1b}[2Jboom.yaml:2:1: (yaml): invalid YAML"#), "\(apply.stderr)")
        #expect(!apply.stderr.utf8.contains(0x1b))
        let plan = try bosun(w, ["plan"])
        #expect(plan.status == 1)
        #expect(!plan.stderr.utf8.contains(0x1b))
        for command in [["status"], ["status", "--json"], ["events"], ["events", "--json"]] {
            let out = try bosun(w, command)
            #expect(!(out.stdout + out.stderr).utf8.contains(0x1b), "\(command)")
        }
    }

    /// `vmTyp:` used to show only `groups[0].vmType: required field is missing (+1 more)`.
    @Test func theTypoAndItsSuggestionComeFirst() throws {
        let w = try SimWorld()
        try w.publish(Self.small.replacingOccurrences(of: "vmType:", with: "vmTyp:"))
        let validate = try bosun(w, ["validate", "demo.yaml"], cwd: w.specs)
        #expect(validate.stdout.split(separator: "\n").first == "demo.yaml:9:5: groups[0].vmTyp: unknown field; did you mean 'vmType'?")
        #expect(try bosun(w, ["apply"]).status == 1)
        let status = try bosun(w, ["status"])
        #expect(status.stdout.contains("demo.yaml:9:5: groups[0].vmTyp: unknown field; did you mean 'vmType'? (+1 more)"))
    }

    /// 600 levels passed `validate`, then ingestion rejected it with a 30 KB Swift debug dump.
    @Test func deepNestingIsRejectedAlikeWithAShortMessage() throws {
        let w = try SimWorld()
        let deep = String(repeating: "{a: ", count: 600) + "1" + String(repeating: "}", count: 600)
        try w.publish(Self.small.replacingOccurrences(of: "jobs: [kubelet]", with: "jobs: [kubelet]\n    properties: { x: \(deep) }"))
        let validate = try bosun(w, ["validate", "demo.yaml"], cwd: w.specs)
        #expect(validate.status == 1)
        #expect(validate.stdout.hasSuffix(": nested more than 64 levels deep; flatten it\n"))
        let apply = try bosun(w, ["apply"])
        #expect(apply.status == 1)
        #expect(apply.stderr.contains(": nested more than 64 levels deep; flatten it"))
        let longest = try w.sql("SELECT max(length(message)) FROM spec_file_errors")
        #expect((Int(longest) ?? .max) < 100)
        let everything = validate.stdout + apply.stdout + apply.stderr + (try w.sql("SELECT message FROM events"))
        for debris in ["EncodingError", "codingPath", "CodingKeys", "debugDescription", "JSONValue"] {
            #expect(!everything.contains(debris), "\(debris)")
        }
    }

    // MARK: - databases

    /// `bosun status` in the wrong directory used to create `bosun.db` and say `no clusters`.
    @Test func readOnlyCommandsNeverCreateADatabase() throws {
        let w = try SimWorld()
        let noDB = "error: no state database at \(w.db); run `bosun apply` or `bosun run` first, or pass --db\n"
        for command in [["status"], ["status", "--json"], ["events"], ["events", "--json"], ["disks", "orphaned"]] {
            let r = try BosunProcess.run(command + ["--db", w.db])
            #expect(r.status == 1, "\(command)")
            #expect(r.stderr == noDB, "\(command)")
            #expect(r.stdout.isEmpty, "\(command)")
        }
        let state = w.dir + "/bosun-sim.db"
        for command in ["vms", "disks", "lbs"] {
            let r = try BosunProcess.run(["sim", command, "--db", w.db])
            #expect(r.status == 1, "\(command)")
            #expect(r.stderr.contains("no sim state at \(state); run `bosun apply` or `bosun run` first"), "\(r.stderr)")
        }
        let bare = try BosunProcess.run(["status"], cwd: w.dir)
        #expect(bare.stderr == "error: no state database at ./bosun.db; run `bosun apply` or `bosun run` first, or pass --db\n")
        #expect(try files(w.dir) == ["specs"])
    }

    @Test func noWriteAheadLogIsLeftAfterApply() throws {
        let w = try SimWorld()
        try w.publish(Self.small)
        let r = try bosun(w, ["apply"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try files(w.dir) == ["bosun-sim.db", "bosun.db", "specs"])
    }

    /// On a read-only file system every command used to say the state DB "is not a SQLite
    /// database". The databases are made, then their directory is bind-mounted read-only in a
    /// private mount namespace (root only; nothing outlives the command).
    @Test(.enabled(if: geteuid() == 0, "needs root for a private read-only mount"))
    func aReadOnlyFileSystemIsNamedAsSuch() throws {
        let w = try SimWorld()
        try w.publish(Self.small)
        #expect(try bosun(w, ["apply"]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: w.db))
        let script = #"""
            mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 99
            for command in status events apply plan "sim vms"; do
              "$2" $command --db "$1/bosun.db" --specs "$1/specs" 2>&1; echo "rc=$?"
            done
            """#
        let r = try Exec.run("/usr/bin/unshare", ["-m", "sh", "-c", script, "sh", w.dir, BosunProcess.binary])
        // A container without CAP_SYS_ADMIN cannot mount: the permission-bit cases below
        // (as `nobody`) still cover read-only files and directories there.
        if r.status != 0, r.stdout.isEmpty { return }
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let readOnly = "error: cannot write \(w.db): read-only file system"
        #expect(r.stdout.components(separatedBy: readOnly).count == 5, "\(r.stdout)")
        #expect(r.stdout.contains("error: cannot write the sim state in \(w.dir): Read-only file system"), "\(r.stdout)")
        #expect(r.stdout.components(separatedBy: "rc=1").count == 6, "\(r.stdout)")
        #expect(!r.stdout.contains("not a SQLite database"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: w.db)) == before)
    }

    /// A read-only file and a read-only directory, as a user permission bits apply to.
    @Test(.enabled(if: geteuid() == 0, "needs root to switch to nobody"))
    func aReadOnlyFileOrDirectoryIsNamedWithItsPath() throws {
        let w = try SimWorld()
        try w.publish(Self.small)
        #expect(chown(w.dir, 65534, 65534) == 0)
        #expect(chmod(w.dir, 0o755) == 0)
        let created = try Nobody.run(["apply", "--db", w.db, "--specs", w.specs])
        #expect(created.status == 0, "\(created.stderr)")

        #expect(chmod(w.db, 0o400) == 0)
        let file = try Nobody.run(["status", "--db", w.db])
        #expect(file.status == 1)
        #expect(file.stderr.hasPrefix("error: cannot write \(w.db): permission denied"), "\(file.stderr)")
        #expect(chmod(w.db, 0o600) == 0)

        #expect(chmod(w.dir, 0o555) == 0)
        defer { chmod(w.dir, 0o755) }
        let fresh = w.dir + "/fresh.db"
        let dir = try Nobody.run(["apply", "--db", fresh, "--specs", w.specs])
        #expect(dir.status == 1)
        #expect(dir.stderr.hasPrefix("error: cannot write \(w.dir): permission denied"), "\(dir.stderr)")
        let existing = try Nobody.run(["status", "--db", w.db])
        #expect(existing.status == 1)
        #expect(existing.stderr.hasPrefix("error: cannot write \(w.dir): permission denied"), "\(existing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fresh))
    }
}

/// Runs the binary as `nobody` (uid 65534), for whom permission bits apply.
enum Nobody {
    static func run(_ arguments: [String]) throws -> BosunProcess.Result {
        try Exec.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", BosunProcess.binary] + arguments)
    }
}

/// Runs any executable to completion (a wrapper such as `setpriv` or `unshare` in front of
/// `bosun`), with the environment `BosunProcess` gives the binary.
enum Exec {
    static func run(_ executable: String, _ arguments: [String]) throws -> BosunProcess.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["BOSUN_SETTLE"] = "0s"
        for key in ["BOSUN_DB", "BOSUN_SPECS", "BOSUN_SIM_STATE"] { env.removeValue(forKey: key) }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return BosunProcess.Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}
