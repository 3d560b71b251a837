import BosunCompose
import Testing

// Derived from bosh-cli var_kv_test.go, vars_file_arg_test.go, static_vars_test.go.

@Test func laterSourcesWin() throws {
    var vars = Variables()
    try vars.addVarsFile(yaml: "a: from-file\nb: file-only\n", sourceName: "vars.yml")
    try vars.addVarFlag("a=from-flag")
    #expect(vars.value(named: "a") == "from-flag")
    #expect(vars.value(named: "b") == "file-only")
    #expect(try interpolate(try yaml("x: ((a))"), variables: vars, expectAllKeys: true) == ["x": "from-flag"])
}

private let varFlagCases: [(String, YAMLValue)] = [
    ("name=value", "value"),
    ("name=123", 123),
    ("name=1.5", 1.5),
    ("name=true", true),
    ("name=[1, a]", [1, "a"]),
    ("name={a: b}", ["a": "b"]),
    ("name=a=b", "a=b"),
    ("name=\"quoted\"", "quoted"),
    ("name='single'", "single"),
    ("name=multi\nline", "multi\nline"),
    ("name=~", nil),
]

@Test(arguments: varFlagCases)
func varFlagValues(_ flag: String, _ expected: YAMLValue) throws {
    var vars = Variables()
    try vars.addVarFlag(flag)
    #expect(vars.value(named: "name") == expected)
}

@Test(arguments: [
    ("novalue", "Expected var 'novalue' to be in format 'name=value'"),
    ("=value", "Expected var '=value' to specify non-empty name"),
    ("name=", "Expected var 'name=' to specify non-empty value"),
])
func varFlagErrors(_ flag: String, _ message: String) {
    var vars = Variables()
    #expect(failure { try vars.addVarFlag(flag) } == message)
}

@Test func varFlagYamlErrorsAreWrapped() {
    var vars = Variables()
    #expect(failure { try vars.addVarFlag("name=[1, 2") }?.hasPrefix("Deserializing variables 'name=[1, 2': ") == true)
}

@Test func varsFileMustBeAMapping() throws {
    var vars = Variables()
    try vars.addVarsFile(yaml: "", sourceName: "empty.yml")
    #expect(vars.names.isEmpty)
    #expect(failure { try vars.addVarsFile(yaml: "- a\n", sourceName: "list.yml") }
        == "Deserializing variables file 'list.yml': yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into template.StaticVariables")
    #expect(failure { try vars.addVarsFile(yaml: "a: [\n", sourceName: "bad.yml") }?.hasPrefix("Deserializing variables file 'bad.yml': ") == true)
}

@Test func dottedNamesBecomeNestedMaps() throws {
    var vars = Variables()
    try vars.addVarsFile(yaml: "a: {b: 1, c: 2}\n", sourceName: "f")
    try vars.addVarFlag("a.b=3")
    try vars.addVarFlag("x.y.z=deep")
    #expect(vars.value(named: "a") == ["b": 3, "c": 2])
    #expect(vars.value(named: "x") == ["y": ["z": "deep"]])
    #expect(vars.names == ["a", "x"])
    #expect(try interpolate(try yaml("v: ((x.y.z))"), variables: vars, expectAllKeys: true) == ["v": "deep"])
}

@Test func varFileAndEnvironmentSources() throws {
    #expect(try Variables.parseVarFileFlag("cert=/tmp/c.pem") == ("cert", "/tmp/c.pem"))
    #expect(failure { try Variables.parseVarFileFlag("cert") } == "Expected var 'cert' to be in format 'name=path'")
    #expect(failure { try Variables.parseVarFileFlag("cert=") } == "Expected var 'cert=' to specify non-empty path")
    var vars = Variables()
    vars.addVarFile(name: "cert", contents: "-----BEGIN-----\n")
    try vars.addEnvironment(prefix: "BOSH", environment: ["BOSH_port": "8080", "OTHER_x": "1", "BOSH_list": "[a]"])
    #expect(vars.value(named: "cert") == "-----BEGIN-----\n")
    #expect(vars.value(named: "port") == 8080)
    #expect(vars.value(named: "list") == ["a"])
    #expect(vars.value(named: "x") == nil)
    #expect(failure { try vars.addEnvironment(prefix: "", environment: [:]) } == "Expected environment variable prefix to be non-empty")
}
