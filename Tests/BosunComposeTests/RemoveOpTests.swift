import BosunCompose
import Testing

// Derived from go-patch remove_op_test.go.

private let mapType = "map[interface {}]interface {}"

@Test func removeEntireDocumentFails() {
    #expect(failure { try remove("", in: "a") } == "Cannot remove entire document")
}

private let removeArrayCases: [(String, YAMLValue)] = [
    ("/0", [2, 3]),
    ("/1", [1, 3]),
    ("/2", [1, 2]),
    ("/-1", [1, 2]),
    ("/3:prev", [1, 2]),
    ("/0:prev", [1, 2]),
    ("/0:next", [1, 3]),
]

@Test(arguments: removeArrayCases)
func removeArrayItem(_ path: String, _ expected: YAMLValue) throws {
    #expect(try remove(path, in: [1, 2, 3]) == expected)
}

@Test func removeNestedItems() throws {
    #expect(try remove("/0", in: [1]) == [])
    #expect(try remove("/0/1", in: [[10, 11, 12], 2, 3]) == [[10, 12], 2, 3])
    #expect(try remove("/1:prev/1", in: [[10, 11, 12], 2, 3]) == [[10, 12], 2, 3])
    #expect(try remove("/abc/1", in: ["abc": [1, 2, 3]]) == ["abc": [1, 3]])
}

private let removeErrorCases: [(String, YAMLValue, String)] = [
    ("/0", [:], "Expected to find an array at path '/0' but found '\(mapType)'"),
    ("/0/1", [:], "Expected to find an array at path '/0' but found '\(mapType)'"),
    ("/1", [], "Expected to find array index '1' but found array of length '0' for path '/1'"),
    ("/1/1", [], "Expected to find array index '1' but found array of length '0' for path '/1'"),
    ("/-", [], "Expected to not find token 'patch.AfterLastIndexToken' at path '/-'"),
    ("/a/-", ["a": [1]], "Expected to not find token 'patch.AfterLastIndexToken' at path '/a/-'"),
    ("/0:before", [1], "Expected to find one of the following modifiers: 'prev', 'next', but found modifier 'patch.BeforeModifier'"),
    ("/key=val", [["key": "val2"], ["key2": "val"]], "Expected to find exactly one matching array item for path '/key=val' but found 0"),
    ("/key=val", [["key": "val"], ["key": "val"]], "Expected to find exactly one matching array item for path '/key=val' but found 2"),
    ("/key=val", [:], "Expected to find an array at path '/key=val' but found '\(mapType)'"),
    ("/key=val/items/key=val", [:], "Expected to find an array at path '/key=val' but found '\(mapType)'"),
    ("/abc/efg", ["xyz": "xyz"], "Expected to find a map key 'abc' for path '/abc' (found map keys: 'xyz')"),
    ("/abc", ["xyz": "xyz", "other-xyz": "xyz"], "Expected to find a map key 'abc' for path '/abc' (found map keys: 'other-xyz', 'xyz')"),
    ("/abc", [:], "Expected to find a map key 'abc' for path '/abc' (found no other map keys)"),
    ("/abc", [1, 2, 3], "Expected to find a map at path '/abc' but found '[]interface {}'"),
    ("/abc/efg", [1, 2, 3], "Expected to find a map at path '/abc' but found '[]interface {}'"),
]

@Test(arguments: removeErrorCases)
func removeErrors(_ path: String, _ document: YAMLValue, _ message: String) {
    #expect(failure { try remove(path, in: document) } == message)
}

@Test func removeMatchingItems() throws {
    let doc: YAMLValue = [["key": "val"], ["key": "val2"]]
    #expect(try remove("/key=val", in: doc) == [["key": "val2"]])
    #expect(try remove("/key=val", in: [["key": "val"]]) == [])
    #expect(try remove("/key=val:next", in: doc) == [["key": "val"]])
    #expect(try remove("/key=val", in: [3, ["key": "val"]]) == [3])

    let nested: YAMLValue = [
        ["key": "val", "items": [["nested-key": "val"], ["nested-key": "val2"]]],
        ["key": "val2"],
    ]
    let expected: YAMLValue = [
        ["key": "val", "items": [["nested-key": "val2"]]],
        ["key": "val2"],
    ]
    #expect(try remove("/key=val/items/nested-key=val", in: nested) == expected)
    #expect(try remove("/key=val2:prev/items/nested-key=val", in: nested) == expected)
}

@Test func removeOptionalMissingIsNoOp() throws {
    let doc: YAMLValue = ["abc": [["opr": "opr"]], "xyz": "xyz"]
    #expect(try remove("/abc/opr=not-opr?", in: doc) == doc)
    let map: YAMLValue = ["abc": ["opr": "opr"], "xyz": "xyz"]
    #expect(try remove("/abc/efg?", in: map) == map)
    let wrongLevel: YAMLValue = ["abc": ["efg": [:]]]
    #expect(try remove("/abc/opr?/efg", in: wrongLevel) == wrongLevel)
}

@Test func removeMapKeysKeepsOrder() throws {
    #expect(try remove("/abc", in: ["abc": "abc", "xyz": "xyz"]) == ["xyz": "xyz"])
    #expect(try remove("/abc/efg", in: ["abc": ["efg": "efg", "opr": "opr"], "xyz": "xyz"]) == ["abc": ["opr": "opr"], "xyz": "xyz"])
    #expect(try remove("/b", in: ["a": 1, "b": 2, "c": 3]).mappingKeys == ["a", "c"])
}
