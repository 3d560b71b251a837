/// go-patch's `OpDefinition`: one raw entry of an ops file before validation.
/// Optional fields are `nil` when the YAML omitted them (or gave a bare `null`).
struct OpDefinition {
    var type = ""
    var path: String?
    var value: YAMLValue?
    var absent: Bool?
    var error: String?
    /// 1-based line of the entry in its ops file.
    var line: Int?

    /// go-patch's `NewOpsFromDefinitions` validation for the entry at `index`.
    func makeOp(index: Int) throws(GoPatchError) -> Op {
        let operation: Op.Operation
        switch type {
        case "replace":
            let path = try validatedPath(kind: "Replace", index: index, forbidValue: false)
            guard let value else { throw invalid("Replace operation [\(index)]: Missing value", index) }
            operation = .replace(path: path, value: value)
        case "remove":
            let path = try validatedPath(kind: "Remove", index: index, forbidValue: true)
            operation = .remove(path: path)
        case "test":
            guard path != nil else { throw invalid("Test operation [\(index)]: Missing path", index) }
            guard value != nil || absent != nil else {
                throw invalid("Test operation [\(index)]: Missing value or absent", index)
            }
            let pointer = try parsedPath(kind: "Test", index: index)
            operation = .test(path: pointer, value: value ?? .null, absent: absent ?? false)
        default:
            throw invalid("Unknown operation [\(index)] with type '\(type)'", index)
        }
        return Op(operation, errorDescription: error, index: index, line: line)
    }

    // go-patch checks path presence, then value, then path syntax, in that order.
    private func validatedPath(kind: String, index: Int, forbidValue: Bool) throws(GoPatchError) -> Pointer {
        guard path != nil else { throw invalid("\(kind) operation [\(index)]: Missing path", index) }
        if forbidValue && value != nil {
            throw invalid("\(kind) operation [\(index)]: Cannot specify value", index)
        }
        if !forbidValue && value == nil {
            throw invalid("\(kind) operation [\(index)]: Missing value", index)
        }
        return try parsedPath(kind: kind, index: index)
    }

    private func parsedPath(kind: String, index: Int) throws(GoPatchError) -> Pointer {
        do {
            return try Pointer(path ?? "")
        } catch {
            throw invalid("\(kind) operation [\(index)]: Invalid path: \(error.reason)", index)
        }
    }

    private func invalid(_ reason: String, _ index: Int) -> GoPatchError {
        let message = reason + " within\n" + formatted
        return GoPatchError(kind: .invalidOpDefinition, reason: message, opIndex: index, line: line)
    }

    /// go-patch's `fmtOpDef`: indented JSON with the value redacted.
    var formatted: String {
        var fields: [String] = []
        if !type.isEmpty { fields.append("\"Type\": " + GoFormat.jsonString(type)) }
        if let path { fields.append("\"Path\": " + GoFormat.jsonString(path)) }
        if value != nil { fields.append("\"Value\": \"<redacted>\"") }
        if let absent { fields.append("\"Absent\": \(absent)") }
        if let error { fields.append("\"Error\": " + GoFormat.jsonString(error)) }
        guard !fields.isEmpty else { return "{}" }
        return "{\n" + fields.map { "  " + $0 }.joined(separator: ",\n") + "\n}"
    }
}
