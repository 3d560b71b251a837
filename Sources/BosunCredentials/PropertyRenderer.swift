import BosunModel

/// Resolves `((name))` / `((name.key))` references in a group's `properties` against credential
/// values: the building block of delivering configuration to nodes. A whole-value reference
/// keeps the value's type (a password is a string; a certificate, rsa or ssh credential is a
/// mapping of its keys); inside a longer string each reference becomes its string value.
public struct PropertyRenderer: Sendable {
    let credentials: [String: SecretFields]

    /// `credentials`: the secret fields to render with, by variable name.
    public init(credentials: [String: SecretFields]) { self.credentials = credentials }

    /// `value` with every reference resolved. Throws `CredentialError` naming the reference
    /// (never a value) if a variable has no credential or lacks the key, or a mapping-valued
    /// reference sits inside a longer string (validation rules those out for accepted specs).
    public func render(_ value: JSONValue) throws -> JSONValue {
        switch value {
        case .string(let text):
            return try render(text)
        case .array(let items):
            return .array(try items.map(render))
        case .object(let fields):
            return .object(try fields.mapValues(render))
        case .null, .bool, .int, .double:
            return value
        }
    }

    func render(_ text: String) throws -> JSONValue {
        let references = VariableReference.all(in: text)
        guard !references.isEmpty else { return .string(text) }
        if references.count == 1, references[0].whole {
            return try resolve(references[0])
        }
        var out = ""
        var cursor = text.startIndex
        for reference in references {
            out += text[cursor..<reference.range.lowerBound]
            guard case .string(let piece) = try resolve(reference) else {
                throw CredentialError("((\(reference.body))) is a mapping and cannot be part of a longer string")
            }
            out += piece
            cursor = reference.range.upperBound
        }
        out += text[cursor...]
        return .string(out)
    }

    func resolve(_ reference: VariableReference) throws -> JSONValue {
        let name = String(reference.name)
        guard let secret = credentials[name] else {
            throw CredentialError("no credential '\(name)' for ((\(reference.body)))")
        }
        if let key = reference.key {
            guard let value = secret[String(key)] else {
                throw CredentialError("credential '\(name)' has no key '\(key)'")
            }
            return .string(value)
        }
        if secret.keys == ["password"], let password = secret["password"] { return .string(password) }
        var fields: [String: JSONValue] = [:]
        for key in secret.keys { fields[key] = .string(secret[key] ?? "") }
        return .object(fields)
    }
}
