/// go-patch's `TestOp`: asserts a value (deep equality, key order ignored) or
/// the absence of a key/index; never changes the document.
enum TestOperation {
    static func apply(_ path: Pointer, expected: YAMLValue, absent: Bool, to document: YAMLValue) throws(PatchFailure) -> YAMLValue {
        if absent {
            do {
                _ = try FindOperation.find(path, in: document)
            } catch {
                // Only a miss at the tested path itself counts as absent; a
                // missing parent is still an error.
                switch error {
                case .missingIndex(_, _, let failedPath), .missingMapKey(_, let failedPath, _):
                    if failedPath.description == path.description { return document }
                default:
                    break
                }
                throw error
            }
            throw .message("Expected to not find '\(path)'")
        }
        let found = try FindOperation.find(path, in: document)
        guard found.isSemanticallyEqual(to: expected) else {
            throw .message("Found value does not match expected value")
        }
        return document
    }
}
