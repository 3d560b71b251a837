import BosunCompose
import Testing

/// go-patch pointer_test.go `testCases`: each string parses to the tokens and prints back identically.
private let roundTripCases: [(String, [PointerToken])] = [
    ("", []),
    ("/", [.key("")]),
    ("//", [.key(""), .key("")]),
    ("/ ", [.key(" ")]),
    ("/key", [.key("key")]),
    ("/key/", [.key("key"), .key("")]),
    ("/key/key2", [.key("key"), .key("key2")]),
    ("/key?/key2/key3", [.key("key", optional: true), .key("key2", optional: true), .key("key3", optional: true)]),
    ("/0", [.index(0)]),
    ("/1000001", [.index(1_000_001)]),
    ("/-2", [.index(-2)]),
    ("/-", [.afterLastIndex]),
    ("/ary/-", [.key("ary"), .afterLastIndex]),
    ("/-/key", [.key("-"), .key("key")]),
    ("/0:before", [.index(0, modifiers: [.before])]),
    ("/0:after", [.index(0, modifiers: [.after])]),
    ("/-1:before", [.index(-1, modifiers: [.before])]),
    ("/-1:prev:before", [.index(-1, modifiers: [.prev, .before])]),
    ("/name=val", [.matching(key: "name", value: "val")]),
    ("/name=val?", [.matching(key: "name", value: "val", optional: true)]),
    ("/name=val?/name2=val", [.matching(key: "name", value: "val", optional: true), .matching(key: "name2", value: "val", optional: true)]),
    ("/=", [.matching(key: "", value: "")]),
    ("/=?", [.matching(key: "", value: "", optional: true)]),
    ("/name=", [.matching(key: "name", value: "")]),
    ("/=val", [.matching(key: "", value: "val")]),
    ("/==", [.matching(key: "", value: "=")]),
    ("/name=val:before", [.matching(key: "name", value: "val", modifiers: [.before])]),
    ("/name=val:after", [.matching(key: "name", value: "val", modifiers: [.after])]),
    ("/key?/name=val", [.key("key", optional: true), .matching(key: "name", value: "val", optional: true)]),
    ("/name=val?/key", [.matching(key: "name", value: "val", optional: true), .key("key", optional: true)]),
    ("/m~0n", [.key("m~n")]),
    ("/a~01b", [.key("a~1b")]),
    ("/a~1b", [.key("a/b")]),
    ("/name~0n=val~0n", [.matching(key: "name~n", value: "val~n")]),
    ("/m~7n", [.key("m:n")]),
    ("/c%d", [.key("c%d")]),
    ("/e^f", [.key("e^f")]),
    ("/g|h", [.key("g|h")]),
    ("/i\\j", [.key("i\\j")]),
    ("/k\"l", [.key("k\"l")]),
]

@Test(arguments: roundTripCases.indices)
func pointerParsesGoPatchCases(_ index: Int) throws {
    let (text, tokens) = roundTripCases[index]
    #expect(try Pointer(text).tokens == tokens)
}

@Test(arguments: roundTripCases.indices)
func pointerPrintsGoPatchCases(_ index: Int) {
    let (text, tokens) = roundTripCases[index]
    #expect(Pointer(tokens: tokens).description == text)
}

@Test func pointerParsingOnlyCases() throws {
    #expect(try Pointer("/key/key2?").tokens == [.key("key"), .key("key2", optional: true)])
    // `?` on an index-looking token makes it an optional key, since Atoi fails first.
    #expect(try Pointer("/0?").tokens == [.key("0", optional: true)])
    // Go's Atoi accepts a leading `+` and zeros.
    #expect(try Pointer("/+3").tokens == [.index(3)])
    #expect(try Pointer("/007").tokens == [.index(7)])
    #expect(try Pointer("/99999999999999999999").tokens == [.key("99999999999999999999")])
    // `-` is only "after last" in final position.
    #expect(try Pointer("/-/-").tokens == [.key("-"), .afterLastIndex])
    // Escapes are decoded after splitting off modifiers, so `~7` survives as `:`.
    let escaped = try Pointer("/k~7x=v~7y:next")
    #expect(escaped.tokens == [.matching(key: "k:x", value: "v:y", modifiers: [.next])])
    #expect(escaped.description == "/k~7x=v~7y:next")
}

@Test(arguments: [
    ("abc", "Expected to start with '/'"),
    ("/abc:unknown", "Expected to find one of the following modifiers: 'prev', 'next', 'before', or 'after' but found 'unknown'"),
    ("/-:prev", "Expected not to find any modifiers with after last index token"),
    ("/key:prev", "Expected not to find any modifiers with key token"),
    // go-patch names the first modifier even when a later one is the unknown one.
    ("/0:prev:bogus", "Expected to find one of the following modifiers: 'prev', 'next', 'before', or 'after' but found 'prev'"),
])
func pointerParseErrors(_ text: String, _ message: String) {
    #expect(failure { try Pointer(text) } == message)
}

@Test func pointerPrintsQuestionMarkOnce() {
    let pointer = Pointer(tokens: [.key("a", optional: true), .matching(key: "k", value: "v", optional: true), .key("b", optional: true)])
    #expect(pointer.description == "/a?/k=v/b")
}
