/// go-patch's `ArrayIndex` / `ArrayInsertion`: turns an index plus modifiers
/// into a concrete position in an array of `count` elements.
enum ArrayPosition {
    /// `ArrayIndex.Concrete`: applies `:prev`/`:next`, then wraps a negative index
    /// once. Any other modifier is an error.
    static func concrete(_ index: Int, modifiers: [PointerModifier], count: Int, path: Pointer) throws(PatchFailure) -> Int {
        var result = index
        for modifier in modifiers {
            switch modifier {
            case .prev: result = result &- 1
            case .next: result = result &+ 1
            case .before, .after:
                throw .message("Expected to find one of the following modifiers: 'prev', 'next', but found modifier '\(modifier.goTypeName)'")
            }
        }
        // Wrapping arithmetic mirrors Go's int overflow instead of trapping.
        if result >= count || (0 &- result) &- 1 >= count {
            throw .missingIndex(index: result, count: count, path: path)
        }
        return result < 0 ? count + result : result
    }

    /// `ArrayInsertion.Concrete`: `:before`/`:after` turn a replacement into an
    /// insertion and must be the final modifier.
    static func insertion(_ index: Int, modifiers: [PointerModifier], count: Int, path: Pointer) throws(PatchFailure) -> (position: Int, insert: Bool) {
        var relative: [PointerModifier] = []
        var before = false
        var after = false
        for modifier in modifiers {
            if before {
                throw .message("Expected to not find any modifiers after 'before' modifier, but found modifier '\(modifier.goTypeName)'")
            }
            if after {
                throw .message("Expected to not find any modifiers after 'after' modifier, but found modifier '\(modifier.goTypeName)'")
            }
            switch modifier {
            case .before: before = true
            case .after: after = true
            case .prev, .next: relative.append(modifier)
            }
        }
        var position = try concrete(index, modifiers: relative, count: count, path: path)
        if after && position != count { position += 1 }
        return (position, before || after)
    }

    /// `ArrayInsertionIndex.Update`.
    static func update(_ array: inout [YAMLValue], at target: (position: Int, insert: Bool), with value: YAMLValue) {
        if target.insert {
            array.insert(value, at: target.position)
        } else {
            array[target.position] = value
        }
    }

    /// Indices of items that are maps whose `key` holds exactly the string `value`
    /// (Go compares `interface{}` to a string, so `1` never matches `"1"`).
    static func matchingIndices(in array: [YAMLValue], key: String, value: String) -> [Int] {
        array.indices.filter { array[$0][key] == .string(value) }
    }
}
