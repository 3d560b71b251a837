import BosunCompose
import Testing

// bosh-cli Template.Evaluate behaviour: ops, then interpolation, then --path.

@Test func opsRunBeforeInterpolation() throws {
    let vars = Variables(["c": "x"])
    let ops = [try Op.replace("/a", "((c))")]
    #expect(try BoshInterpolation.render(try yaml("a: b"), ops: ops, variables: vars) == ["a": "x"])
    #expect(failure { try BoshInterpolation.render(try yaml("a: b"), ops: ops, variables: Variables(), options: .init(expectAllKeys: true)) }
        == "Expected to find variables: c")
    #expect(failure { try BoshInterpolation.render(try yaml("a: b"), ops: [try Op.replace("/x/y", "c")], variables: vars) }
        == "Expected to find a map key 'x' for path '/x' (found map keys: 'a')")
}

@Test func opsFileValuesAreNotInterpolatedTwice() throws {
    // A variable whose value looks like a reference is substituted once only.
    let vars = Variables(["c": "((d))", "d": "no"])
    let ops = try OpsFile.parse("- type: replace\n  path: /a\n  value: ((c))\n")
    #expect(try BoshInterpolation.render(try yaml("a: b"), ops: ops, variables: vars) == ["a": "((d))"])
}

@Test func pathIsFoundAfterInterpolation() throws {
    let vars = Variables(["c": ["d": "e"]])
    let options = BoshInterpolation.Options(path: try Pointer("/a/d"))
    let result = try BoshInterpolation.render(try yaml("a: b"), ops: [try Op.replace("/a", "((c))")], variables: vars, options: options)
    #expect(result == "e")
    #expect(try BoshInterpolation.printed(.string("multi\nline"), options: options) == "multi\nline\n")
    #expect(failure { try BoshInterpolation.render(try yaml("a: b"), ops: [], variables: vars, options: .init(path: try Pointer("/x"))) }
        == "Expected to find a map key 'x' for path '/x' (found map keys: 'a')")
}

@Test func textPipelineUsesBoshOpsFileRules() throws {
    var vars = Variables()
    try vars.addVarsFile(yaml: "port: 80\nhost: a\n", sourceName: "vars.yml")
    try vars.addVarFlag("host=b")
    let result = try BoshInterpolation.render(
        templateYAML: "name: web\nurl: http://((host)):((port))\n",
        opsFiles: [("one.yml", "- type: replace\n  path: /tags?/-\n  value: ((host))\n"),
                   ("two.yml", "- type: replace\n  path: /port?\n  value: ((port))\n")],
        variables: vars)
    #expect(try result.yamlString() == "name: web\nurl: http://b:80\ntags:\n- b\nport: 80\n")
    #expect(failure {
        try BoshInterpolation.render(templateYAML: "a: 1\n", opsFiles: [("one.yml", "- type: remove\n  path: /b\n")], variables: vars)
    } == "Error 'operation [0] in one.yml failed': Expected to find a map key 'b' for path '/b' (found map keys: 'a')")
}

@Test func variableDefinitionsSection() throws {
    let template = try yaml("""
    abc: ((key1))
    variables:
    - name: key2
      type: password
    - name: key1
      type: password
    - name: untyped
    xyz: [((key2))]
    """)
    let vars = Variables(["key1": "key1-val", "key2": "key2-val"])
    // Definitions of variables that were found are removed.
    #expect(try interpolate(template, variables: vars, expectAllKeys: false) == ["abc": "key1-val", "variables": [["name": "untyped"]], "xyz": ["key2-val"]])
    // The untyped definition is looked up too, so it is reported as missing.
    #expect(failure { try interpolate(template, variables: vars, expectAllKeys: true) } == "Expected to find variables: untyped")
    // Definitions without a value stay, and count as missing under --var-errs.
    #expect(failure { try interpolate(template, variables: Variables(["key1": "v"]), expectAllKeys: true) }
        == "Expected to find variables: key2\nuntyped")
    #expect(try interpolate(template, variables: Variables(["key1": "v"]), expectAllKeys: false)["variables"]
        == [["name": "key2", "type": "password"], ["name": "untyped"]])
}

@Test func variableDefinitionOptionsDependOnOtherVariables() throws {
    let template = try yaml("""
    other_key: ((other_key))
    key2: ((key2))
    variables:
    - name: key2
      type: key2-type
      options:
        var: ((key1))
    """)
    #expect(failure { try interpolate(template, variables: Variables(), expectAllKeys: true) } == "Expected to find variables: key1\nother_key")
}

@Test func recursiveVariableDefinitions() throws {
    let template = try yaml("""
    variables:
    - name: key1
      type: key1-type
      options: {ca: ((key2))}
    - name: key2
      type: key2-type
      options: {ca: ((key1))}
    """)
    let message = failure { try interpolate(template, variables: Variables(), expectAllKeys: true) }
    #expect(message == "Getting all variables from variable definitions sections: Interpolating variable 'key1' definition options: Finding variable 'key2': Interpolating variable 'key2' definition options: Finding variable 'key1': Detected recursion")
}

@Test func malformedVariablesSection() {
    #expect(failure { try interpolate(try yaml("variables: foo"), variables: Variables(), expectAllKeys: false) }
        == "yaml: unmarshal errors:\n  cannot unmarshal !!str `foo` into []template.VariableDefinition")
}

@Test func templateSyntaxErrorsCarryPosition() {
    #expect(failure { try BoshInterpolation.render(templateYAML: "a: [\n", opsFiles: [], variables: Variables()) }?.hasPrefix("2:") == true)
}
