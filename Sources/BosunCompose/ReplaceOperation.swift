/// go-patch's `ReplaceOp`: sets, inserts or appends `value` at a pointer,
/// creating missing optional containers on the way.
enum ReplaceOperation {
    static func apply(_ path: Pointer, value: YAMLValue, to document: YAMLValue) throws(PatchFailure) -> YAMLValue {
        if path.tokens.isEmpty { return value }
        return try replace(in: document, at: 0, path: path, value: value)
    }

    /// Returns `container` updated by the tokens from `i` on. Value semantics
    /// replace go-patch's `prevUpdate` closures: each level rebuilds its parent.
    private static func replace(in container: YAMLValue, at i: Int, path: Pointer, value: YAMLValue) throws(PatchFailure) -> YAMLValue {
        let tokens = path.tokens
        let isLast = i == tokens.count - 1
        let currentPath = path.prefix(i + 1)

        switch tokens[i] {
        case let .index(index, modifiers):
            guard case .array(var items) = container else { throw .expectedArray(currentPath, container) }
            if isLast {
                let target = try ArrayPosition.insertion(index, modifiers: modifiers, count: items.count, path: currentPath)
                ArrayPosition.update(&items, at: target, with: value)
            } else {
                let position = try ArrayPosition.concrete(index, modifiers: modifiers, count: items.count, path: currentPath)
                items[position] = try replace(in: items[position], at: i + 1, path: path, value: value)
            }
            return .array(items)

        case .afterLastIndex:
            guard case .array(var items) = container else { throw .expectedArray(currentPath, container) }
            guard isLast else { throw .message("Expected after last index token to be last in path '\(path)'") }
            items.append(value)
            return .array(items)

        case let .matching(key, matchValue, optional, modifiers):
            guard case .array(var items) = container else { throw .expectedArray(currentPath, container) }
            let matches = ArrayPosition.matchingIndices(in: items, key: key, value: matchValue)
            if optional && matches.isEmpty {
                if isLast {
                    items.append(value)
                } else {
                    // A missing optional item is created as `{key: value}` and then filled in.
                    let stub: YAMLValue = .mapping([(key: key, value: .string(matchValue))])
                    items.append(try replace(in: stub, at: i + 1, path: path, value: value))
                }
                return .array(items)
            }
            guard matches.count == 1 else { throw .multipleMatching(path: currentPath, count: matches.count) }
            if isLast {
                let target = try ArrayPosition.insertion(matches[0], modifiers: modifiers, count: items.count, path: currentPath)
                ArrayPosition.update(&items, at: target, with: value)
            } else {
                let position = try ArrayPosition.concrete(matches[0], modifiers: modifiers, count: items.count, path: currentPath)
                items[position] = try replace(in: items[position], at: i + 1, path: path, value: value)
            }
            return .array(items)

        case let .key(key, optional):
            guard case .mapping(var pairs) = container else { throw .expectedMap(currentPath, container) }
            let existing = pairs.first(where: { $0.key == key })?.value
            if existing == nil && !optional { throw .missingKey(key, currentPath, in: pairs) }
            if isLast {
                pairs.setValue(value, forKey: key)
                return .mapping(pairs)
            }
            let child: YAMLValue
            if let existing {
                child = existing
            } else {
                // Create the container kind the next token expects.
                switch tokens[i + 1] {
                case .afterLastIndex, .matching: child = .array([])
                case .key: child = .mapping([])
                case .index:
                    throw .message("Expected to find key, matching index or after last index token at path '\(path.prefix(i + 2))'")
                }
            }
            pairs.setValue(try replace(in: child, at: i + 1, path: path, value: value), forKey: key)
            return .mapping(pairs)
        }
    }
}
