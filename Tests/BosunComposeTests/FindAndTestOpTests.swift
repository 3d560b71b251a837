import BosunCompose
import Testing

// Derived from go-patch find_op_test.go and test_op_test.go.

private let mapType = "map[interface {}]interface {}"

@Test func findValues() throws {
    #expect(try find("", in: "a") == "a")
    #expect(try find("/0", in: [1, 2, 3]) == 1)
    #expect(try find("/-1", in: [1, 2, 3]) == 3)
    #expect(try find("/3:prev", in: [1, 2, 3]) == 3)
    #expect(try find("/0/1", in: [[10, 11, 12], 2, 3]) == 11)
    #expect(try find("/0:next/1", in: [1, [10, 11, 12], 3]) == 11)
    #expect(try find("/abc/1", in: ["abc": [1, 2, 3]]) == 2)
    let doc: YAMLValue = [["key": "val"], ["key": "val2"]]
    #expect(try find("/key=val", in: doc) == ["key": "val"])
    #expect(try find("/key=val2:prev", in: doc) == ["key": "val"])
    #expect(try find("/key=val", in: [3, ["key": "val"]]) == ["key": "val"])
    #expect(try find("/abc/efg", in: ["abc": ["efg": "efg"]]) == "efg")
}

@Test func findOptionalMissingValues() throws {
    let doc: YAMLValue = [["xyz": "xyz"]]
    #expect(try find("/name=val?/efg", in: doc) == nil)
    #expect(try find("/name=val?/efg/name=val", in: doc) == ["name": "val"])
    #expect(try find("/name=val?", in: doc) == ["name": "val"])
    #expect(try find("/abc/efg?", in: ["abc": ["opr": "opr"]]) == nil)
    #expect(try find("/abc/opr?/efg", in: ["abc": ["efg": [:]]]) == nil)
    #expect(try find("/abc?/efg", in: ["xyz": "xyz"]) == nil)
    #expect(try find("/abc?/other/efg", in: ["xyz": "xyz"]) == nil)
}

private let findErrorCases: [(String, YAMLValue, String)] = [
    ("/0", [:], "Expected to find an array at path '/0' but found '\(mapType)'"),
    ("/1/1", [], "Expected to find array index '1' but found array of length '0' for path '/1'"),
    ("/-", [], "Expected not to find after last index token in path '/-' (not supported in find operations)"),
    ("/0/-", [[1]], "Expected not to find after last index token in path '/0/-' (not supported in find operations)"),
    ("/abc/-", ["abc": [1]], "Expected not to find after last index token in path '/abc/-' (not supported in find operations)"),
    ("/-", [:], "Expected not to find after last index token in path '/-' (not supported in find operations)"),
    ("/key=val", [["key": "val2"]], "Expected to find exactly one matching array item for path '/key=val' but found 0"),
    ("/key=val", [["key": "val"], ["key": "val"]], "Expected to find exactly one matching array item for path '/key=val' but found 2"),
    ("/key=val/items/key=val", [:], "Expected to find an array at path '/key=val' but found '\(mapType)'"),
    ("/abc/efg", ["xyz": "xyz"], "Expected to find a map key 'abc' for path '/abc' (found map keys: 'xyz')"),
    ("/abc", [:], "Expected to find a map key 'abc' for path '/abc' (found no other map keys)"),
    ("/abc?/0", ["xyz": "xyz"], "Expected to find key or matching index token at path '/abc?/0'"),
    ("/abc?/-", ["xyz": "xyz"], "Expected to find key or matching index token at path '/abc?/-'"),
    ("/abc/efg", [1, 2, 3], "Expected to find a map at path '/abc' but found '[]interface {}'"),
]

@Test(arguments: findErrorCases)
func findErrors(_ path: String, _ document: YAMLValue, _ message: String) {
    #expect(failure { try find(path, in: document) } == message)
}

@Test func findAfterLastIndexNotLast() {
    let pointer = Pointer(tokens: [.afterLastIndex, .key("")])
    #expect(failure { try YAMLValue.array([]).find(pointer) } == "Expected not to find after last index token in path '/-/' (not supported in find operations)")
}

@Test func testOpValueChecks() throws {
    #expect(try Op.test("/0", 1).apply(to: [1, 2, 3]) == [1, 2, 3])
    #expect(try Op.test("/0", nil).apply(to: [nil, 2, 3]) == [nil, 2, 3])
    #expect(failure { try Op.test("/0", 2).apply(to: [1, 2, 3]) } == "Found value does not match expected value")
    #expect(failure { try Op.test("/0", 2).apply(to: [nil]) } == "Found value does not match expected value")
    // reflect.DeepEqual: map order is irrelevant, int and float differ.
    #expect(try Op.test("/m", ["b": 2, "a": 1]).apply(to: ["m": ["a": 1, "b": 2]]) == ["m": ["a": 1, "b": 2]])
    #expect(failure { try Op.test("/n", 1.0).apply(to: ["n": 1]) } == "Found value does not match expected value")
    // An optional path that is missing finds null.
    #expect(try Op.test("/x?", nil).apply(to: [:]) == [:])
}

@Test func testOpAbsenceChecks() throws {
    #expect(try Op.testAbsent("/0").apply(to: []) == [])
    #expect(try Op.testAbsent("/a").apply(to: ["b": 123]) == ["b": 123])
    #expect(failure { try Op.testAbsent("/0/0").apply(to: []) } == "Expected to find array index '0' but found array of length '0' for path '/0'")
    #expect(failure { try Op.testAbsent("/a/b").apply(to: [:]) } == "Expected to find a map key 'a' for path '/a' (found no other map keys)")
    #expect(failure { try Op.testAbsent("/0").apply(to: [1]) } == "Expected to not find '/0'")
    #expect(failure { try Op.testAbsent("/a").apply(to: ["a": 123]) } == "Expected to not find '/a'")
    // An optional missing key is "found" as null, so it is not absent.
    #expect(failure { try Op.testAbsent("/a?").apply(to: [:]) } == "Expected to not find '/a?'")
    #expect(failure { try Op.testAbsent("/a").apply(to: [1]) } == "Expected to find a map at path '/a' but found '[]interface {}'")
}

@Test func descriptiveOpWrapsErrors() throws {
    var op = try Op.remove("/releases/0/not-there")
    op.errorDescription = "Custom error message"
    let doc = try yaml("releases:\n- name: capi\n  version: 0.1\n")
    #expect(failure { try op.apply(to: doc) } == "Error 'Custom error message': Expected to find a map key 'not-there' for path '/releases/0/not-there' (found map keys: 'name', 'version')")
    do {
        _ = try op.apply(to: doc)
    } catch {
        #expect(error.reason == "Expected to find a map key 'not-there' for path '/releases/0/not-there' (found map keys: 'name', 'version')")
        #expect(error.kind == .applyFailed)
    }
}

@Test func opsStopAtFirstFailure() throws {
    let ops = [try Op.replace("/a?", 1), try Op.remove("/missing"), try Op.replace("/b?", 2)]
    #expect(failure { try ops.apply(to: ["x": 0]) } == "Expected to find a map key 'missing' for path '/missing' (found map keys: 'a', 'x')")
}
