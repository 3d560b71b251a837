/// One go-patch operation, plus where it came from.
///
/// `errorDescription` reproduces go-patch's `DescriptiveOp` (the `error:` field
/// of an op definition): failures are reported as
/// `Error '<errorDescription>': <reason>`.
public struct Op: Sendable, Hashable {
    /// What the op does.
    public enum Operation: Sendable, Hashable {
        /// Set, insert (`:before`/`:after`) or append (`/-`) `value` at `path`.
        case replace(path: Pointer, value: YAMLValue)
        /// Delete the key or item at `path`.
        case remove(path: Pointer)
        /// Assert that `path` holds `value` (when `absent` is false) or does not exist.
        /// go-patch compares against `value` even when it was omitted (`null`).
        case test(path: Pointer, value: YAMLValue, absent: Bool)
    }

    /// The operation and its operands.
    public var operation: Operation
    /// go-patch's `error:` description; wraps failures as `Error '...': ...`.
    public var errorDescription: String?
    /// Zero-based position in the ops file this op was parsed from.
    public var index: Int?
    /// 1-based line of the op's definition in its ops file.
    public var line: Int?

    /// Wraps an operation; the metadata is optional and only used in errors.
    public init(_ operation: Operation, errorDescription: String? = nil, index: Int? = nil, line: Int? = nil) {
        self.operation = operation
        self.errorDescription = errorDescription
        self.index = index
        self.line = line
    }

    /// A `replace` op. Throws ``GoPatchError`` if `path` is not a valid pointer.
    public static func replace(_ path: String, _ value: YAMLValue) throws(GoPatchError) -> Op {
        Op(.replace(path: try Pointer(path), value: value))
    }

    /// A `remove` op. Throws ``GoPatchError`` if `path` is not a valid pointer.
    public static func remove(_ path: String) throws(GoPatchError) -> Op {
        Op(.remove(path: try Pointer(path)))
    }

    /// A `test` op checking a value. Throws ``GoPatchError`` if `path` is not a valid pointer.
    public static func test(_ path: String, _ value: YAMLValue) throws(GoPatchError) -> Op {
        Op(.test(path: try Pointer(path), value: value, absent: false))
    }

    /// A `test` op checking absence. Throws ``GoPatchError`` if `path` is not a valid pointer.
    public static func testAbsent(_ path: String) throws(GoPatchError) -> Op {
        Op(.test(path: try Pointer(path), value: .null, absent: true))
    }

    /// The op's path.
    public var path: Pointer {
        switch operation {
        case .replace(let path, _), .remove(let path), .test(let path, _, _): return path
        }
    }

    /// Applies the op and returns the new document (the input is never mutated).
    ///
    /// Throws ``GoPatchError`` (kind ``GoPatchError/Kind/applyFailed``) carrying
    /// go-patch's message, this op's ``index`` and ``line``.
    public func apply(to document: YAMLValue) throws(GoPatchError) -> YAMLValue {
        do {
            switch operation {
            case let .replace(path, value):
                return try ReplaceOperation.apply(path, value: value, to: document)
            case let .remove(path):
                return try RemoveOperation.apply(path, to: document)
            case let .test(path, value, absent):
                return try TestOperation.apply(path, expected: value, absent: absent, to: document)
            }
        } catch {
            let reason = error.text
            let message = errorDescription.map { "Error '\($0)': \(reason)" } ?? reason
            throw GoPatchError(kind: .applyFailed, reason: reason, message: message, opIndex: index, line: line)
        }
    }
}

extension Sequence where Element == Op {
    /// Applies the ops in order, stopping at the first failure (go-patch `Ops.Apply`).
    ///
    /// Throws the failing op's ``GoPatchError``.
    public func apply(to document: YAMLValue) throws(GoPatchError) -> YAMLValue {
        var current = document
        for op in self {
            current = try op.apply(to: current)
        }
        return current
    }
}
