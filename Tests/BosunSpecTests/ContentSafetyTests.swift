import BosunModel
@testable import BosunSpec
import Foundation
import Testing

/// Issue 7 item 4: a symlink is followed only to a regular file inside the specs directory,
/// and no message carries more of a file than a short, escaped excerpt.
@Suite struct ContentSafetyTests {
    static let token = "CANARY-\(UUID().uuidString)"

    /// A specs directory and, beside it, a directory it must not reach into.
    func layout() throws -> (specs: String, outside: String) {
        let root = try Fixtures.tempDirectory()
        try FileManager.default.createDirectory(atPath: root + "/specs", withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: root + "/outside", withIntermediateDirectories: false)
        return (root + "/specs", root + "/outside")
    }

    func issues(_ result: Result<Data, SpecRejection>) -> [SpecIssue] {
        if case .failure(let rejection) = result { return rejection.issues }
        return []
    }

    @Test func symlinkToAFileOutsideIsRejectedUnread() throws {
        let (specs, outside) = try layout()
        // Valid YAML whose keys would each become an "unknown field" path if it were parsed.
        try "\(Self.token): 1\nname: demo\n".write(toFile: outside + "/secret", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: specs + "/x.yaml", withDestinationPath: outside + "/secret")
        for reader in [SpecFileReader(directory: specs), SpecFileReader()] {
            let found = issues(reader.read(specs + "/x.yaml"))
            #expect(found.count == 1)
            #expect(found.first?.path == "(file)")
            #expect(found.first?.message.hasPrefix("symlink points outside the specs directory") == true)
            #expect(!"\(found)".contains(Self.token))
        }
    }

    @Test func symlinkToAFIFOOrDirectoryOutsideIsRejectedAsOutside() throws {
        let (specs, outside) = try layout()
        #expect(mkfifo(outside + "/pipe", 0o600) == 0)
        try FileManager.default.createSymbolicLink(atPath: specs + "/p.yaml", withDestinationPath: outside + "/pipe")
        try FileManager.default.createSymbolicLink(atPath: specs + "/d.yaml", withDestinationPath: outside)
        let reader = SpecFileReader(directory: specs)
        for name in ["p.yaml", "d.yaml"] {
            #expect(issues(reader.read(specs + "/" + name)).first?.message.hasPrefix("symlink points outside the specs directory") == true)
        }
    }

    @Test func relativeLinkClimbingOutIsRejected() throws {
        let (specs, _) = try layout()
        try "\(Self.token): 1\n".write(toFile: specs + "/../outside/up", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: specs + "/up.yaml", withDestinationPath: "../outside/up")
        let found = issues(SpecFileReader(directory: specs).read(specs + "/up.yaml"))
        #expect(found.first?.message.hasPrefix("symlink points outside the specs directory") == true)
    }

    /// ConfigMap-style mounts: `x.yaml -> ..data/x.yaml`, `..data -> ..2024_01/`, all inside.
    @Test func linksStayingInsideAreFollowed() throws {
        let (specs, _) = try layout()
        try FileManager.default.createDirectory(atPath: specs + "/..2024_01", withIntermediateDirectories: false)
        try Fixtures.minimal.write(toFile: specs + "/..2024_01/demo.yaml", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: specs + "/..data", withDestinationPath: "..2024_01")
        try FileManager.default.createSymbolicLink(atPath: specs + "/demo.yaml", withDestinationPath: "..data/demo.yaml")
        let spec = try SpecFileReader(directory: specs).load(specs + "/demo.yaml").get()
        #expect(spec.name == "demo")
        // The specs directory reached through a symlink itself is resolved the same way.
        let alias = specs + "-alias"
        try FileManager.default.createSymbolicLink(atPath: alias, withDestinationPath: specs)
        #expect(try SpecFileReader(directory: alias).load(alias + "/demo.yaml").get().name == "demo")
    }

    @Test func linkInsideToADirectoryOrNowhereSaysSo() throws {
        let (specs, _) = try layout()
        try FileManager.default.createDirectory(atPath: specs + "/sub", withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: specs + "/dir.yaml", withDestinationPath: "sub")
        try FileManager.default.createSymbolicLink(atPath: specs + "/gone.yaml", withDestinationPath: "nothing-here")
        let reader = SpecFileReader(directory: specs)
        #expect(issues(reader.read(specs + "/dir.yaml")).first?.message == "is a directory, not a spec file")
        #expect(issues(reader.read(specs + "/gone.yaml")).first?.message == "symlink target does not exist")
    }

    @Test func escapeSequenceInAKeyIsEscaped() {
        // YAML forbids raw control characters, but a double-quoted key may spell them.
        let text = Fixtures.minimal + #""\e[31mred\a": 1"# + "\n"
        guard case .failure(let rejection) = Fixtures.decode(text) else { Issue.record("accepted"); return }
        let line = rejection.description
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(line.contains(#"\u{1b}[31mred\u{7}: unknown field"#))
    }

    @Test func longKeysAreCutAt64Characters() {
        // libyaml caps a key at 1024 characters; anything longer is a syntax error already.
        let key = String(repeating: "k", count: 900) + Self.token
        guard case .failure(let rejection) = Fixtures.decode(Fixtures.minimal + "\(key): 1\n") else {
            Issue.record("accepted")
            return
        }
        let issue = rejection.issues[0]
        #expect(issue.path.unicodeScalars.count == SpecExcerpt.maxKey)
        #expect(issue.path.hasSuffix("…"))
        #expect(!rejection.description.contains(Self.token))
    }

    @Test func longValuesAndTagsAreExcerpted() {
        let long = String(repeating: "v", count: 3000) + Self.token
        for text in [
            Fixtures.replacing("image: img-1", with: "image: \(long)"),
            Fixtures.replacing("image: img-1", with: "image: !<tag:\(long)> x"),
            Fixtures.replacing("vmType: small", with: "vmType: small\n    properties: { big: 1\(String(repeating: "9", count: 400))\(Self.token.count) }"),
        ] {
            guard case .failure(let rejection) = Fixtures.decode(text) else { Issue.record("accepted"); continue }
            #expect(!rejection.description.contains(Self.token))
            #expect(rejection.issues.allSatisfy { $0.message.unicodeScalars.count <= SpecExcerpt.maxMessage })
        }
    }

    @Test func duplicateKeyNamesAreExcerpted() {
        let key = String(repeating: "d", count: 300) + "\u{1b}"
        guard case .failure(let rejection) = Fixtures.decode(Fixtures.minimal + "\(key): 1\n\(key): 2\n") else {
            Issue.record("accepted")
            return
        }
        #expect(!rejection.description.contains("\u{1b}"))
        #expect(rejection.issues[0].message.unicodeScalars.count < 200)
    }

    /// `vmTyp:` must show the typo with its suggestion before the missing field it causes.
    @Test func unknownFieldComesBeforeTheMissingFieldItCauses() {
        guard case .failure(let rejection) = Fixtures.decode(Fixtures.replacing("vmType: small", with: "vmTyp: small")) else {
            Issue.record("accepted")
            return
        }
        #expect(rejection.issues.map(\.description) == [
            "c.yaml:9:5: groups[0].vmTyp: unknown field; did you mean 'vmType'?",
            "c.yaml:9:5: groups[0].vmType: required field is missing (is 'vmTyp' meant to be it?)",
        ])
    }

    /// 600 levels used to pass the decoder and fail canonical encoding with a 30 KB dump.
    @Test func deepNestingIsRejectedWithAShortMessage() {
        let deep = String(repeating: "{a: ", count: 600) + "1" + String(repeating: "}", count: 600)
        let text = Fixtures.replacing("vmType: small", with: "vmType: small\n    properties: { x: \(deep) }")
        guard case .failure(let rejection) = Fixtures.decode(text) else { Issue.record("accepted"); return }
        #expect(rejection.issues.count == 1)
        #expect(rejection.issues[0].message == "nested more than 64 levels deep; flatten it")
        #expect(rejection.description.utf8.count < 600)
        // 63 levels below `properties` is still fine, and encodes.
        let ok = String(repeating: "{a: ", count: 62) + "1" + String(repeating: "}", count: 62)
        let spec = try? Fixtures.decode(Fixtures.replacing("vmType: small", with: "vmType: small\n    properties: { x: \(ok) }")).get()
        #expect(spec != nil)
        #expect(spec.flatMap { try? CanonicalSpec($0) } != nil)
    }

    @Test func canonicalEncodingFailureIsShort() {
        #expect(CanonicalSpec.EncodingFailure().description.count < 120)
    }

    @Test func validateAndIngestionRunTheSameChecks() throws {
        let (specs, _) = try layout()
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        try Fixtures.replacing("vmType: small", with: "vmType: small\n    properties: { x: \(deep) }")
            .write(toFile: specs + "/deep.yaml", atomically: false, encoding: .utf8)
        // Written long ago as far as the scanner can tell, so it needs no settling.
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: specs + "/deep.yaml")
        var scanner = SpecScanner(directory: specs)
        let scanned = scanner.scan().files[specs + "/deep.yaml"]
        let checked = SpecFileReader().outcome(specs + "/deep.yaml")
        #expect(scanned == checked)
        guard case .rejected(let rejection)? = scanned else { Issue.record("accepted"); return }
        #expect(rejection.issues.first?.message == "nested more than 64 levels deep; flatten it")
    }

    @Test func excerptsAreIdempotent() {
        for text in ["plain", "\u{1b}[31m", String(repeating: "x", count: 1000), "tab\there\u{85}"] {
            let once = SpecExcerpt.message(text)
            #expect(SpecExcerpt.message(once) == once)
            let issue = SpecIssue(file: "f", line: 1, column: 1, path: text, message: text)
            let again = SpecIssue(file: "f", line: 1, column: 1, path: issue.path, message: issue.message)
            #expect(issue == again)
        }
    }
}
