/// go-patch's `RemoveOp`: deletes the map key or array item at a pointer.
/// A missing optional token makes the whole op a no-op.
enum RemoveOperation {
    static func apply(_ path: Pointer, to document: YAMLValue) throws(PatchFailure) -> YAMLValue {
        if path.tokens.isEmpty { throw .message("Cannot remove entire document") }
        // `nil` means an optional token was missing: go-patch returns the document untouched.
        return try remove(in: document, at: 0, path: path) ?? document
    }

    private static func remove(in container: YAMLValue, at i: Int, path: Pointer) throws(PatchFailure) -> YAMLValue? {
        let tokens = path.tokens
        let isLast = i == tokens.count - 1
        let currentPath = path.prefix(i + 1)

        switch tokens[i] {
        case let .index(index, modifiers):
            guard case .array(var items) = container else { throw .expectedArray(currentPath, container) }
            let position = try ArrayPosition.concrete(index, modifiers: modifiers, count: items.count, path: currentPath)
            return try removeItem(at: position, from: &items, isLast: isLast, next: i + 1, path: path)

        case let .matching(key, value, optional, modifiers):
            guard case .array(var items) = container else { throw .expectedArray(currentPath, container) }
            let matches = ArrayPosition.matchingIndices(in: items, key: key, value: value)
            if optional && matches.isEmpty { return nil }
            guard matches.count == 1 else { throw .multipleMatching(path: currentPath, count: matches.count) }
            let position = try ArrayPosition.concrete(matches[0], modifiers: modifiers, count: items.count, path: currentPath)
            return try removeItem(at: position, from: &items, isLast: isLast, next: i + 1, path: path)

        case let .key(key, optional):
            guard case .mapping(var pairs) = container else { throw .expectedMap(currentPath, container) }
            guard let position = pairs.firstIndex(where: { $0.key == key }) else {
                if optional { return nil }
                throw .missingKey(key, currentPath, in: pairs)
            }
            if isLast {
                pairs.remove(at: position)
            } else {
                guard let updated = try remove(in: pairs[position].value, at: i + 1, path: path) else { return nil }
                pairs[position].value = updated
            }
            return .mapping(pairs)

        case .afterLastIndex:
            throw .unexpectedToken(.afterLastIndex, path: currentPath)
        }
    }

    private static func removeItem(at position: Int, from items: inout [YAMLValue], isLast: Bool, next: Int, path: Pointer) throws(PatchFailure) -> YAMLValue? {
        if isLast {
            items.remove(at: position)
        } else {
            guard let updated = try remove(in: items[position], at: next, path: path) else { return nil }
            items[position] = updated
        }
        return .array(items)
    }
}
