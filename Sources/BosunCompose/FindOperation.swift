/// go-patch's `FindOp`: reads the value at a pointer.
///
/// Optional tokens that are missing yield `null` (or, for a missing optional
/// matching item, the stub map `{key: value}`) instead of failing.
enum FindOperation {
    static func find(_ path: Pointer, in document: YAMLValue) throws(PatchFailure) -> YAMLValue {
        let tokens = path.tokens
        var current = document
        for (i, token) in tokens.enumerated() {
            let isLast = i == tokens.count - 1
            let currentPath = path.prefix(i + 1)
            switch token {
            case let .index(index, modifiers):
                guard case .array(let items) = current else { throw .expectedArray(currentPath, current) }
                let position = try ArrayPosition.concrete(index, modifiers: modifiers, count: items.count, path: currentPath)
                current = items[position]

            case .afterLastIndex:
                throw .message("Expected not to find after last index token in path '\(path)' (not supported in find operations)")

            case let .matching(key, value, optional, modifiers):
                guard case .array(let items) = current else { throw .expectedArray(currentPath, current) }
                let matches = ArrayPosition.matchingIndices(in: items, key: key, value: value)
                if optional && matches.isEmpty {
                    // go-patch ignores modifiers here and pretends the item exists.
                    current = .mapping([(key: key, value: .string(value))])
                } else {
                    guard matches.count == 1 else { throw .multipleMatching(path: currentPath, count: matches.count) }
                    let position = try ArrayPosition.concrete(matches[0], modifiers: modifiers, count: items.count, path: currentPath)
                    current = items[position]
                }

            case let .key(key, optional):
                guard case .mapping(let pairs) = current else { throw .expectedMap(currentPath, current) }
                if let found = pairs.first(where: { $0.key == key }) {
                    current = found.value
                    continue
                }
                guard optional else { throw .missingKey(key, currentPath, in: pairs) }
                if isLast { return .null }
                // Walk on through an empty stand-in of the kind the next token needs.
                switch tokens[i + 1] {
                case .matching: current = .array([])
                case .key: current = .mapping([])
                default:
                    throw .message("Expected to find key or matching index token at path '\(path.prefix(i + 2))'")
                }
            }
        }
        return current
    }
}

extension YAMLValue {
    /// The value at `pointer` (go-patch `FindOp`; what `bosh int --path` prints).
    ///
    /// Throws ``GoPatchError`` with go-patch's wording when the path does not
    /// exist, e.g. `Expected to find a map key 'x' for path '/x' (found map keys: 'a')`.
    public func find(_ pointer: Pointer) throws(GoPatchError) -> YAMLValue {
        do {
            return try FindOperation.find(pointer, in: self)
        } catch {
            throw GoPatchError(kind: .applyFailed, reason: error.text)
        }
    }
}
