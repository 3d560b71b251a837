import BosunCompose
import Testing

// Derived from go-patch op_definition_test.go and yaml_compat_test.go, plus
// yaml.v2 decoding behaviour for `[]patch.OpDefinition`.

@Test func parsesAllOperationTypes() throws {
    let ops = try OpsFile.parse("""
    - type: replace
      path: /abc
      value: 123
    - type: remove
      path: /abc
    - type: test
      path: /abc
      value: 123
    - type: test
      path: /abc
      absent: true
    """)
    let path = try Pointer("/abc")
    #expect(ops.map(\.operation) == [
        .replace(path: path, value: 123),
        .remove(path: path),
        .test(path: path, value: 123, absent: false),
        .test(path: path, value: nil, absent: true),
    ])
    #expect(ops.map(\.index) == [0, 1, 2, 3])
    #expect(ops.map(\.line) == [1, 4, 6, 9])
}

@Test func emptyOpsFilesHaveNoOps() throws {
    #expect(try OpsFile.parse("").isEmpty)
    #expect(try OpsFile.parse("# only a comment\n").isEmpty)
    #expect(try OpsFile.parse("~").isEmpty)
    #expect(try OpsFile.parse("[]").isEmpty)
}

@Test(arguments: [
    "- type: replace\n  path: /abc\n  value: 123\n  error: error\n",
    "- type: remove\n  path: /abc\n  error: error\n",
    "- type: test\n  path: /abc\n  value: 123\n  error: error\n",
])
func errorFieldBecomesDescription(_ source: String) throws {
    #expect(try OpsFile.parse(source).first?.errorDescription == "error")
}

@Test(arguments: [
    ("- type: op\n", "Unknown operation [0] with type 'op' within\n{\n  \"Type\": \"op\"\n}"),
    ("- type: find\n  path: /a\n", "Unknown operation [0] with type 'find' within\n{\n  \"Type\": \"find\",\n  \"Path\": \"/a\"\n}"),
    ("- type: op\n  path: abc\n  value: {123: 123}\n", "Unknown operation [0] with type 'op' within\n{\n  \"Type\": \"op\",\n  \"Path\": \"abc\",\n  \"Value\": \"<redacted>\"\n}"),
    ("- {}\n", "Unknown operation [0] with type '' within\n{}"),
    ("- ~\n", "Unknown operation [0] with type '' within\n{}"),
    ("- type: replace\n", "Replace operation [0]: Missing path within\n{\n  \"Type\": \"replace\"\n}"),
    ("- type: replace\n  path: /abc\n", "Replace operation [0]: Missing value within\n{\n  \"Type\": \"replace\",\n  \"Path\": \"/abc\"\n}"),
    ("- type: replace\n  path: abc\n  value: 123\n", "Replace operation [0]: Invalid path: Expected to start with '/' within\n{\n  \"Type\": \"replace\",\n  \"Path\": \"abc\",\n  \"Value\": \"<redacted>\"\n}"),
    ("- type: remove\n", "Remove operation [0]: Missing path within\n{\n  \"Type\": \"remove\"\n}"),
    ("- type: remove\n  path: /abc\n  value: 123\n", "Remove operation [0]: Cannot specify value within\n{\n  \"Type\": \"remove\",\n  \"Path\": \"/abc\",\n  \"Value\": \"<redacted>\"\n}"),
    ("- type: remove\n  path: abc\n", "Remove operation [0]: Invalid path: Expected to start with '/' within\n{\n  \"Type\": \"remove\",\n  \"Path\": \"abc\"\n}"),
    ("- type: test\n", "Test operation [0]: Missing path within\n{\n  \"Type\": \"test\"\n}"),
    ("- type: test\n  path: /abc\n", "Test operation [0]: Missing value or absent within\n{\n  \"Type\": \"test\",\n  \"Path\": \"/abc\"\n}"),
    ("- type: test\n  path: abc\n  value: 123\n", "Test operation [0]: Invalid path: Expected to start with '/' within\n{\n  \"Type\": \"test\",\n  \"Path\": \"abc\",\n  \"Value\": \"<redacted>\"\n}"),
    ("- type: test\n  path: /a\n  absent: false\n  error: \"x<&>\"\n  value: ~\n  type2: ignored\n- type: bad\n  path: /a:x\n", "Unknown operation [1] with type 'bad' within\n{\n  \"Type\": \"bad\",\n  \"Path\": \"/a:x\"\n}"),
    ("- type: remove\n  path: /a\n  value: 1\n  absent: true\n  error: \"<\\u2028&\\t>\"\n", "Remove operation [0]: Cannot specify value within\n{\n  \"Type\": \"remove\",\n  \"Path\": \"/a\",\n  \"Value\": \"<redacted>\",\n  \"Absent\": true,\n  \"Error\": \"<\\u2028\\u0026\\t>\"\n}"),
])
func opDefinitionValidationErrors(_ yaml: String, _ message: String) {
    #expect(failure { try OpsFile.parse(yaml) } == message)
}

@Test func invalidPathInDefinitionIsReportedAtApply() throws {
    // Pointer errors other than a missing slash surface through validation too.
    #expect(failure { try OpsFile.parse("- type: remove\n  path: /a:bogus\n") } == "Remove operation [0]: Invalid path: Expected to find one of the following modifiers: 'prev', 'next', 'before', or 'after' but found 'bogus' within\n{\n  \"Type\": \"remove\",\n  \"Path\": \"/a:bogus\"\n}")
}

@Test func yamlV2NullQuirks() throws {
    // A bare null leaves the pointer field unset: "Missing value".
    #expect(failure { try OpsFile.parse("- type: replace\n  path: /a\n  value: null\n") }?.hasPrefix("Replace operation [0]: Missing value") == true)
    #expect(failure { try OpsFile.parse("- type: replace\n  path: /a\n  value:\n") }?.hasPrefix("Replace operation [0]: Missing value") == true)
    // ...but `NULL` is decoded as a present nil value.
    #expect(try OpsFile.parse("- type: replace\n  path: /a\n  value: NULL\n").first?.operation == .replace(path: Pointer("/a"), value: nil))
    // `path: NULL` is an empty string, i.e. the whole document.
    #expect(try OpsFile.parse("- type: remove\n  path: NULL\n").first?.path == Pointer(""))
    // Empty strings work when quoted or tagged (yaml_compat_test.go).
    #expect(try OpsFile.parse("- type: replace\n  path: /a\n  value: \"\"\n").first?.operation == .replace(path: Pointer("/a"), value: ""))
    #expect(try OpsFile.parse("- type: replace\n  path: /a\n  value: !!str \"\"\n").first?.operation == .replace(path: Pointer("/a"), value: ""))
    // Non-string scalars fill string fields with their source text.
    #expect(try OpsFile.parse("- type: replace\n  path: /a\n  value: 1\n  error: 0x10\n").first?.errorDescription == "0x10")
    // `test` with `absent: false` and no value compares against null.
    #expect(try OpsFile.parse("- type: test\n  path: /a\n  absent: false\n").first?.operation == .test(path: Pointer("/a"), value: nil, absent: false))
    #expect(try OpsFile.parse("- type: test\n  path: /a\n  absent: y\n").first?.operation == .test(path: Pointer("/a"), value: nil, absent: true))
}

@Test(arguments: [
    ("type: replace\n", "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!map into []patch.OpDefinition"),
    ("just text\n", "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `just text` into []patch.OpDefinition"),
    ("- a very long string\n", "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `a very ...` into patch.OpDefinition"),
    ("- type: [a]\n  path: {b: 1}\n", "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string\n  line 2: cannot unmarshal !!map into string"),
    ("- type: test\n  path: /a\n  absent: maybe\n", "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `maybe` into bool"),
    ("- type: test\n  path: /a\n  absent: 1\n", "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!int `1` into bool"),
    ("- type: replace\n  path: /a\n  value: \"null\"\n", "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `null` into *interface {}"),
])
func opsFileShapeErrors(_ yaml: String, _ message: String) {
    #expect(failure { try OpsFile.parse(yaml) } == message)
}

@Test func yamlSyntaxErrorsCarryPosition() {
    do {
        _ = try OpsFile.parse("- type: replace\n  path: [1\n")
        Issue.record("expected a syntax error")
    } catch {
        #expect(error.kind == .yamlSyntax)
        #expect(error.line == 3)
        #expect(error.column != nil)
    }
}

@Test func boshCliOpsFileSemantics() throws {
    let source = "- type: replace\n  path: /a?/b\n  value: 1\n  error: mine\n- type: remove\n  path: /missing\n"
    let ops = try OpsFile.parse(source, sourceName: "ops.yml")
    // bosh-cli overwrites every description with its own.
    #expect(ops.map(\.errorDescription) == ["operation [0] in ops.yml failed", "operation [1] in ops.yml failed"])
    #expect(failure { try ops.apply(to: ["x": 1]) } == "Error 'operation [1] in ops.yml failed': Expected to find a map key 'missing' for path '/missing' (found map keys: 'a', 'x')")
    do {
        _ = try ops.apply(to: ["x": 1])
    } catch {
        #expect(error.opIndex == 1)
        #expect(error.line == 5)
    }
    #expect(failure { try OpsFile.parse("- type: replace\n", sourceName: "o.yml") } == "Building ops: Replace operation [0]: Missing path within\n{\n  \"Type\": \"replace\",\n  \"Error\": \"operation [0] in o.yml failed\"\n}")
    #expect(failure { try OpsFile.parse("a: b\n", sourceName: "o.yml") } == "Deserializing ops file 'o.yml': yaml: unmarshal errors:\n  line 1: cannot unmarshal !!map into []patch.OpDefinition")
}

@Test func mergeKeysInOpDefinitions() throws {
    let ops = try OpsFile.parse("""
    - &base {type: replace, path: /a, value: 1}
    - <<: *base
      path: /b
    """)
    #expect(ops.map(\.path.description) == ["/a", "/b"])
}
