import BosunCompose

/// Parses inline YAML for tests.
func yaml(_ text: String) throws -> YAMLValue {
    try YAMLParser.parse(text)
}

/// The thrown error's description, or `nil` when `body` succeeds.
func failure<T>(_ body: () throws -> T) -> String? {
    do {
        _ = try body()
        return nil
    } catch {
        return String(describing: error)
    }
}

/// Applies one replace op built from a pointer string.
func replace(_ path: String, _ value: YAMLValue = .null, in document: YAMLValue) throws -> YAMLValue {
    try Op.replace(path, value).apply(to: document)
}

/// Applies one remove op built from a pointer string.
func remove(_ path: String, in document: YAMLValue) throws -> YAMLValue {
    try Op.remove(path).apply(to: document)
}

/// Runs go-patch's find.
func find(_ path: String, in document: YAMLValue) throws -> YAMLValue {
    try document.find(Pointer(path))
}
