import BosunCompose
import Testing

@Test func parsesScalarsWithTagResolution() throws {
    let doc = try yaml("""
    n: ~
    e:
    b1: true
    b2: yes
    i: 42
    h: 0x10
    o: 0o17
    u: 1_000
    f: 1.5
    x: 1e+06
    inf: .inf
    s: hello
    q: "42"
    t: 2001-12-14
    """)
    #expect(doc == [
        "n": nil, "e": nil, "b1": true, "b2": true, "i": 42, "h": 16, "o": 15, "u": 1000,
        "f": 1.5, "x": 1e6, "inf": .double(.infinity), "s": "hello", "q": "42", "t": "2001-12-14",
    ])
}

@Test func keepsKeyOrderAndStringifiesKeys() throws {
    let doc = try yaml("z: 1\na: 2\n1: int\ntrue: bool\nm: 3\n")
    #expect(doc.mappingKeys == ["z", "a", "1", "true", "m"])
}

@Test func expandsAliasesAndMergeKeys() throws {
    let doc = try yaml("base: &b {x: 1, y: 2}\nchild:\n  <<: *b\n  y: 3\n  z: 4\n")
    #expect(doc["child"] == ["x": 1, "y": 3, "z": 4])
}

@Test func emptyDocumentIsNull() throws {
    #expect(try yaml("") == nil)
    #expect(try yaml("# nothing\n") == nil)
}

@Test func syntaxErrorsCarryLineAndColumn() {
    do {
        _ = try YAMLParser.parse("a: b\nc: [1, 2\n")
        Issue.record("expected failure")
    } catch {
        #expect(error.line == 3)
        #expect(error.description.hasPrefix("3:"))
    }
    do {
        _ = try YAMLParser.parse("a: 1\na: 2\n")
        Issue.record("expected failure")
    } catch {
        #expect(error.line == 1)
        #expect(error.message.contains("'a'"))
    }
}

@Test func emitsLikeBoshInterpolate() throws {
    let doc: YAMLValue = [
        "name": "web",
        "instances": 2,
        "ratio": 0.5,
        "whole": 2.0,
        "big": 1e6,
        "on": true,
        "none": nil,
        "empty_list": [],
        "empty_map": [:],
        "quoted": ["1", "true", "", "~", "null", "y", "2001-12-14", "1.5", "0x1F", "plain text", "a: b", "- x"],
        "jobs": [["name": "nginx", "props": ["port": 80]]],
        "multi": "line one\nline two",
        "unicode": "☃",
    ]
    let text = try doc.yamlString()
    #expect(text == """
    name: web
    instances: 2
    ratio: 0.5
    whole: 2.0
    big: 1e+06
    "on": true
    none: null
    empty_list: []
    empty_map: {}
    quoted:
    - "1"
    - "true"
    - ""
    - "~"
    - "null"
    - "y"
    - "2001-12-14"
    - "1.5"
    - "0x1F"
    - plain text
    - 'a: b'
    - '- x'
    jobs:
    - name: nginx
      props:
        port: 80
    multi: |-
      line one
      line two
    unicode: ☃

    """)
    #expect(try YAMLParser.parse(text) == doc)
}

@Test func rootScalarsAndSortedKeys() throws {
    #expect(try YAMLValue.string("foo").yamlString() == "foo\n")
    #expect(try YAMLValue.string("this\nhas\nmany\nlines").yamlString() == "|-\n  this\n  has\n  many\n  lines\n")
    #expect(try YAMLValue.int(1234).yamlString() == "1234\n")
    let doc: YAMLValue = ["name6": 1, "name10": 2, "1234": "value", "b": 3, "a": 4, "a1": 5, "a01": 6]
    // yaml.v2 order: digits before letters, digit runs compared numerically.
    #expect(try doc.yamlString(sortKeys: true) == "\"1234\": value\na: 4\na1: 5\na01: 6\nb: 3\nname6: 1\nname10: 2\n")
}

@Test func semanticEqualityIgnoresKeyOrder() {
    let a: YAMLValue = ["x": 1, "y": [["p": 1, "q": 2]]]
    let b: YAMLValue = ["y": [["q": 2, "p": 1]], "x": 1]
    #expect(a != b)
    #expect(a.isSemanticallyEqual(to: b))
    #expect(!YAMLValue.int(1).isSemanticallyEqual(to: .double(1)))
    #expect(YAMLValue.double(.nan) == .double(.nan))
    #expect(!YAMLValue.double(.nan).isSemanticallyEqual(to: .double(.nan)))
    #expect(Set<YAMLValue>([a, a, b]).count == 2)
}
