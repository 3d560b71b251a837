import BosunCompose
import Testing

// Derived from go-patch replace_op_test.go.

private let mapType = "map[interface {}]interface {}"

@Test func replaceWholeDocument() throws {
    #expect(try replace("", "b", in: "a") == "b")
    #expect(try replace("", ["a": "b"], in: "a") == ["a": "b"])
}

private let replaceArrayCases: [(String, YAMLValue)] = [
    ("/0", [10, 2, 3]),
    ("/1", [1, 10, 3]),
    ("/2", [1, 2, 10]),
    ("/-1", [1, 2, 10]),
    ("/3:prev", [1, 2, 10]),
    ("/0:before", [10, 1, 2, 3]),
    ("/1:before", [1, 10, 2, 3]),
    ("/3:prev:after", [1, 2, 3, 10]),
    ("/0:after", [1, 10, 2, 3]),
    ("/-1:after", [1, 2, 3, 10]),
    ("/1:prev:next:next", [1, 2, 10]),
    ("/1:prev:next:next:before", [1, 2, 10, 3]),
    ("/1:prev:next:next:after", [1, 2, 3, 10]),
    ("/-", [1, 2, 3, 10]),
]

@Test(arguments: replaceArrayCases)
func replaceArrayItem(_ path: String, _ expected: YAMLValue) throws {
    #expect(try replace(path, 10, in: [1, 2, 3]) == expected)
}

@Test func replaceNestedArrayItems() throws {
    #expect(try replace("/0/1", 100, in: [[10, 11, 12], 2, 3]) == [[10, 100, 12], 2, 3])
    #expect(try replace("/0:next/1", 100, in: [1, [10, 11, 12], 3]) == [1, [10, 100, 12], 3])
    #expect(try replace("/abc/1", 10, in: ["abc": [1, 2, 3]]) == ["abc": [1, 10, 3]])
    #expect(try replace("/-", 10, in: []) == [10])
    #expect(try replace("/0/-", 100, in: [[10, 11, 12], 2, 3]) == [[10, 11, 12, 100], 2, 3])
    #expect(try replace("/abc/-", 10, in: ["abc": [1, 2, 3]]) == ["abc": [1, 2, 3, 10]])
}

private let replaceErrorCases: [(String, YAMLValue, String)] = [
    ("/0", ["a": 1], "Expected to find an array at path '/0' but found '\(mapType)'"),
    ("/0/1", [:], "Expected to find an array at path '/0' but found '\(mapType)'"),
    ("/1", [], "Expected to find array index '1' but found array of length '0' for path '/1'"),
    ("/1/1", [], "Expected to find array index '1' but found array of length '0' for path '/1'"),
    ("/0:before", [], "Expected to find array index '0' but found array of length '0' for path '/0:before'"),
    ("/0:before:after", [1], "Expected to not find any modifiers after 'before' modifier, but found modifier 'patch.AfterModifier'"),
    ("/0:after:before", [1], "Expected to not find any modifiers after 'after' modifier, but found modifier 'patch.BeforeModifier'"),
    ("/0:after:prev", [1], "Expected to not find any modifiers after 'after' modifier, but found modifier 'patch.PrevModifier'"),
    ("/0:before/x", [["x": 1]], "Expected to find one of the following modifiers: 'prev', 'next', but found modifier 'patch.BeforeModifier'"),
    ("/0:next:next:next", [1, 2, 3], "Expected to find array index '3' but found array of length '3' for path '/0:next:next:next'"),
    ("/-4", [1, 2, 3], "Expected to find array index '-4' but found array of length '3' for path '/-4'"),
    ("/-", [:], "Expected to find an array at path '/-' but found '\(mapType)'"),
    ("/key/-", ["key": [:]], "Expected to find an array at path '/key/-' but found '\(mapType)'"),
    ("/key=val", [:], "Expected to find an array at path '/key=val' but found '\(mapType)'"),
    ("/key=val/items/key=val", [:], "Expected to find an array at path '/key=val' but found '\(mapType)'"),
    ("/key=val", [["key": "val2"], ["key2": "val"]], "Expected to find exactly one matching array item for path '/key=val' but found 0"),
    ("/key=val", [["key": "val"], ["key": "val"]], "Expected to find exactly one matching array item for path '/key=val' but found 2"),
    ("/abc/efg", ["xyz": "xyz"], "Expected to find a map key 'abc' for path '/abc' (found map keys: 'xyz')"),
    ("/abc", ["xyz": "xyz", "123": "xyz", "other-xyz": "xyz"], "Expected to find a map key 'abc' for path '/abc' (found map keys: '123', 'other-xyz', 'xyz')"),
    ("/abc", [:], "Expected to find a map key 'abc' for path '/abc' (found no other map keys)"),
    ("/abc?/0", ["xyz": "xyz"], "Expected to find key, matching index or after last index token at path '/abc?/0'"),
    ("/abc", [1, 2, 3], "Expected to find a map at path '/abc' but found '[]interface {}'"),
    ("/abc/efg", [1, 2, 3], "Expected to find a map at path '/abc' but found '[]interface {}'"),
    ("/a/b", ["a": nil], "Expected to find a map at path '/a/b' but found '<nil>'"),
    ("/a/0", ["a": "s"], "Expected to find an array at path '/a/0' but found 'string'"),
    ("/a/b", ["a": 1.5], "Expected to find a map at path '/a/b' but found 'float64'"),
    ("/a/b", ["a": true], "Expected to find a map at path '/a/b' but found 'bool'"),
    ("/a/b", ["a": 7], "Expected to find a map at path '/a/b' but found 'int'"),
]

@Test(arguments: replaceErrorCases)
func replaceErrors(_ path: String, _ document: YAMLValue, _ message: String) {
    #expect(failure { try replace(path, 1, in: document) } == message)
}

@Test func replaceAfterLastIndexMustBeLast() {
    let pointer = Pointer(tokens: [.afterLastIndex, .key("")])
    #expect(failure { try Op(.replace(path: pointer, value: 1)).apply(to: []) } == "Expected after last index token to be last in path '/-/'")
}

@Test func replaceMatchingItems() throws {
    let doc: YAMLValue = [["key": "val"], ["key": "val2"]]
    #expect(try replace("/key=val", 100, in: doc) == [100, ["key": "val2"]])
    #expect(try replace("/key=val2:prev", 100, in: doc) == [100, ["key": "val2"]])
    #expect(try replace("/key=val2:before", 100, in: doc) == [["key": "val"], 100, ["key": "val2"]])
    #expect(try replace("/key=val:next:after", 100, in: doc) == [["key": "val"], ["key": "val2"], 100])
    #expect(try replace("/key=val", 100, in: [3, ["key": "val"]]) == [3, 100])
}

@Test func matchingComparesStringsOnly() throws {
    // Go compares interface{} with a string: the integer 1 never matches "1".
    #expect(failure { try replace("/id=1", 0, in: [["id": 1]]) } == "Expected to find exactly one matching array item for path '/id=1' but found 0")
    #expect(try replace("/id=1", 0, in: [["id": "1"]]) == [0])
}

@Test func replaceNestedMatchingItem() throws {
    let doc: YAMLValue = [
        ["key": "val", "items": [["nested-key": "val"], ["nested-key": "val2"]]],
        ["key": "val2"],
    ]
    let expected: YAMLValue = [
        ["key": "val", "items": [100, ["nested-key": "val2"]]],
        ["key": "val2"],
    ]
    #expect(try replace("/key=val/items/nested-key=val", 100, in: doc) == expected)
}

@Test func replaceCreatesMissingOptionalMatchingItems() throws {
    let doc: YAMLValue = [["xyz": "xyz"]]
    #expect(try replace("/name=val?/efg", 1, in: doc) == [["xyz": "xyz"], ["name": "val", "efg": 1]])
    #expect(try replace("/name=val?/efg/name=val", 1, in: doc) == [["xyz": "xyz"], ["name": "val", "efg": [1]]])
    #expect(try replace("/name=val?", 1, in: doc) == [["xyz": "xyz"], 1])
}

@Test func replaceMapKeys() throws {
    let doc: YAMLValue = ["abc": "abc", "xyz": "xyz"]
    #expect(try replace("/abc", 1, in: doc) == ["abc": 1, "xyz": "xyz"])
    #expect(try replace("/abc", nil, in: doc) == ["abc": nil, "xyz": "xyz"])
    let nested: YAMLValue = ["abc": ["efg": "efg", "opr": "opr"], "xyz": "xyz"]
    #expect(try replace("/abc/efg", 1, in: nested) == ["abc": ["efg": 1, "opr": "opr"], "xyz": "xyz"])
}

@Test func replaceCreatesMissingOptionalKeys() throws {
    // New keys are appended, existing keys keep their position.
    #expect(try replace("/abc/efg?", 1, in: ["abc": ["opr": "opr"], "xyz": "xyz"]) == ["abc": ["opr": "opr", "efg": 1], "xyz": "xyz"])
    #expect(try replace("/abc/opr?/efg", 1, in: ["abc": ["efg": [:]]]) == ["abc": ["efg": [:], "opr": ["efg": 1]]])
    #expect(try replace("/abc?/efg", 1, in: ["xyz": "xyz"]) == ["xyz": "xyz", "abc": ["efg": 1]])
    #expect(try replace("/abc?/other/efg", 1, in: ["xyz": "xyz"]) == ["xyz": "xyz", "abc": ["other": ["efg": 1]]])
    #expect(try replace("/abc?/-", 1, in: ["xyz": "xyz"]) == ["xyz": "xyz", "abc": [1]])
    #expect(try replace("/abc?/name=x", 1, in: [:]) == ["abc": [1]])
    #expect(try replace("/abc?/name=x/k", 1, in: [:]) == ["abc": [["name": "x", "k": 1]]])
}

@Test func replaceLeavesInputUntouched() throws {
    let doc: YAMLValue = ["a": [1, 2]]
    _ = try replace("/a/-", 3, in: doc)
    #expect(doc == ["a": [1, 2]])
}
