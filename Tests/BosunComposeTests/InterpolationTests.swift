import BosunCompose
import Testing

// Derived from bosh-cli director/template/template_test.go.

private func render(_ template: String, _ variables: Variables, expectAllKeys: Bool = false) throws -> String {
    let result = try interpolate(try yaml(template), variables: variables, expectAllKeys: expectAllKeys)
    return try result.yamlString(sortKeys: true)
}

@Test(arguments: ["((key))", "(( key))", "((key ))", "(( key ))", "((!key))"])
func wholeValueReferenceSpellings(_ template: String) throws {
    #expect(try render(template, Variables(["key": "foo"])) == "foo\n")
}

@Test func wholeValueReferencesKeepTheirType() throws {
    let vars = Variables(["i": 1, "b": true, "n": nil, "s": "", "l": ["a", 2], "m": ["k": ["x": 1]], "d": 2.5])
    let result = try interpolate(try yaml("i: ((i))\nb: ((b))\nn: ((n))\ns: ((s))\nl: ((l))\nm: ((m))\nd: ((d))\n"), variables: vars, expectAllKeys: true)
    #expect(result == ["i": 1, "b": true, "n": nil, "s": "", "l": ["a", 2], "m": ["k": ["x": 1]], "d": 2.5])
}

@Test func boshDataTypesOutput() throws {
    let vars = Variables([
        "name1": 1, "name2": "nil", "name3": true, "name4": "", "name5": nil,
        "name6": ["key": ["key2": ["value1", "value2"]]],
    ])
    let template = "name1: ((name1))\nname2: ((name2))\nname3: ((name3))\nname4: ((name4))\nname5: ((name5))\nname6: ((name6))\n1234: value\n"
    #expect(try render(template, vars) == """
    "1234": value
    name1: 1
    name2: nil
    name3: true
    name4: ""
    name5: null
    name6:
      key:
        key2:
        - value1
        - value2

    """)
}

@Test func substringInterpolation() throws {
    #expect(try render("url: https://((ip))", Variables(["ip": "10.0.0.0"])) == "url: https://10.0.0.0\n")
    let nats = Variables(["password": "secret", "ip": "10.0.0.0"])
    #expect(try render("uri: nats://nats:((password))@((ip)):4222", nats) == "uri: nats://nats:secret@10.0.0.0:4222\n")
    #expect(try render("uri: nats://nats:((!password))@((ip)):4222", nats) == "uri: nats://nats:secret@10.0.0.0:4222\n")
    #expect(try render("address: ((ip)):((port))", Variables(["ip": "10.0.0.0", "port": 4222])) == "address: 10.0.0.0:4222\n")
    #expect(try render("acct_and_password: ((user)):((user))", Variables(["user": "nats"])) == "acct_and_password: nats:nats\n")
    #expect(try render("((iaas))_cpi: props", Variables(["iaas": "aws"])) == "aws_cpi: props\n")
    #expect(try render("((key)): ((key))", Variables(["key": "foo"])) == "foo: foo\n")
    #expect(try render("((with-a-dash)): ((with_an_underscore))", Variables(["with-a-dash": "dash", "with_an_underscore": "underscore"])) == "dash: underscore\n")
    #expect(try render("((Ω))", Variables(["Ω": "☃"])) == "☃\n")
    #expect(try render("((/key/foo))", Variables(["/key/foo": "foo"])) == "foo\n")
    #expect(try render("abc: ((!key))\nxyz: [((!key))]", Variables(["key": "val"])) == "abc: val\nxyz:\n- val\n")
    #expect(try render("(()", Variables()) == "(()\n")
    #expect(try render("((key))", Variables(["key": "this\nhas\nmany\nlines"])) == "|-\n  this\n  has\n  many\n  lines\n")
}

@Test func spacedReferenceInsideLongerStringIsNotReplaced() throws {
    // bosh-cli finds the variable but only replaces the exact `((name))` spelling.
    #expect(try render("a: x (( key )) y", Variables(["key": "v"])) == "a: x (( key )) y\n")
}

@Test(arguments: [
    ("address: ((definition)):((eulers_number))", "Invalid type 'float64' for value '2.717' and variable 'eulers_number'. Supported types for interpolation within a string are integers and strings."),
    ("a: x((flag))", "Invalid type 'bool' for value 'true' and variable 'flag'. Supported types for interpolation within a string are integers and strings."),
    ("a: x((nothing))", "Invalid type '<nil>' for value '<nil>' and variable 'nothing'. Supported types for interpolation within a string are integers and strings."),
    ("a: x((list))", "Invalid type '[]interface {}' for value '[1 b]' and variable 'list'. Supported types for interpolation within a string are integers and strings."),
    ("a: x((map))", "Invalid type 'map[interface {}]interface {}' for value 'map[a:1 b:map[c:<nil>]]' and variable 'map'. Supported types for interpolation within a string are integers and strings."),
    ("a: x((big))", "Invalid type 'float64' for value '1e+06' and variable 'big'. Supported types for interpolation within a string are integers and strings."),
])
func unsupportedTypesInsideStrings(_ template: String, _ message: String) {
    let vars = Variables([
        "definition": "natural_log", "eulers_number": 2.717, "flag": true, "nothing": nil,
        "list": [1, "b"], "map": ["b": ["c": nil], "a": 1], "big": 1e6,
    ])
    #expect(failure { try render(template, vars) } == message)
}

@Test func nestedKeyPaths() throws {
    let vars = Variables([
        "key": "foo",
        "value": ["bar", "baz"],
        "hash": ["0": "bar", "1": "baz"],
        "cert": ["private_key": "pk", "nested": ["deep": [["name": "x", "v": 7]]]],
    ])
    #expect(try render("((key)): ((value.1))", vars) == "foo: baz\n")
    #expect(try render("(( key)): (( value.1))", vars) == "foo: baz\n")
    // Numeric steps fall back to map keys when the value is a map.
    #expect(try render("((key)): ((hash.1))", vars) == "foo: baz\n")
    #expect(try render("((cert.private_key))", vars) == "pk\n")
    #expect(try render("r: ((cert.nested.deep.0.v))", vars) == "r: 7\n")
    #expect(try render("r: ((value.-1))", vars) == "r: baz\n")
    #expect(failure { try render("((key.subkey_not_found))", Variables(["key": ["subkey": "e"]]), expectAllKeys: true) }
        == "Finding variable 'key.subkey_not_found': Expected to find a map key 'subkey_not_found' for path '/subkey_not_found' (found map keys: 'subkey')")
    #expect(failure { try render("((value.5))", vars) }
        == "Finding variable 'value.5': Expected to find a map at path '/5' but found '[]interface {}'")
}

@Test func missingVariables() throws {
    let template = "((key)): ((key2))\n((key3)): 2\ndup-key: ((key3))\n((key4))_array:\n- ((key_in_array))\n"
    let vars = Variables(["key3": "foo"])
    do {
        _ = try interpolate(try yaml(template), variables: vars, expectAllKeys: true)
        Issue.record("expected missing variables")
    } catch let error as InterpolationError {
        #expect(error.description == "Expected to find variables: key\nkey2\nkey4\nkey_in_array")
        #expect(error.multilineDescription == "- Expected to find variables:\n    - key\n    - key2\n    - key4\n    - key_in_array")
        #expect(error.missingVariables == ["key", "key2", "key4", "key_in_array"])
    }
    // Without --var-errs, unresolved references stay as written.
    #expect(try render("((key)): ((key2))\n((key3)): 2", vars) == "((key)): ((key2))\nfoo: 2\n")
    // A missing base variable with a sub key is reported by its base name.
    #expect(failure { try render("((key.sub))", Variables(), expectAllKeys: true) } == "Expected to find variables: key")
}

@Test func unusedVariables() throws {
    let vars = Variables(["key1": "a", "key3": "c"])
    #expect(failure { try interpolate(try yaml("a: ((key1))\nb: ((key2))"), variables: vars, expectAllKeys: true, expectAllVarsUsed: true) }
        == "Expected to find variables: key2\nExpected to use variables: key3")
}

@Test func nullVariableAsKey() throws {
    #expect(try render("((key)): value", Variables(["key": nil])) == "\"null\": value\n")
}

@Test func nonScalarKeyIsAnError() {
    #expect(failure { try render("((key)): value", Variables(["key": [1]])) } == "Expected map key '((key))' to interpolate to a scalar but found '[]interface {}'")
}
