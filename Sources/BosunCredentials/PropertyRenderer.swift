import BosunModel

/// Resolves `((name))` / `((name.key))` references in a group's `properties` against credential
/// values: the building block of delivering configuration to nodes. A whole-value reference
/// keeps the value's type (a password is a string; a certificate, rsa or ssh credential is a
/// mapping of its keys); inside a longer string each reference becomes its string value.
public struct PropertyRenderer: Sendable {
    let credentials: [String: SecretFields]

    /// `credentials`: the secret fields to render with, by variable name.
    public init(credentials: [String: SecretFields]) { self.credentials = credentials }

    /// The keys of a credential whose values are secret (the rest, certificates and public
    /// keys, are public).
    public static let secretKeys: Set<String> = ["password", "private_key"]

    /// `value` with every reference resolved. Throws `CredentialError` naming the reference
    /// (never a value) if a variable has no credential or lacks the key, or a mapping-valued
    /// reference sits inside a longer string (validation rules those out for accepted specs).
    public func render(_ value: JSONValue) throws -> JSONValue {
        var paths: [String] = []
        return try render(value, at: "", secrets: &paths)
    }

    /// `value` rendered as `render` does, and the JSON pointers (RFC 6901) of the rendered
    /// values that carry a secret: a password or private key, or a string with one inside.
    public func renderTrackingSecrets(_ value: JSONValue) throws -> (value: JSONValue, secretPaths: [String]) {
        var paths: [String] = []
        let out = try render(value, at: "", secrets: &paths)
        return (out, paths)
    }

    private func render(_ value: JSONValue, at path: String, secrets: inout [String]) throws -> JSONValue {
        switch value {
        case .string(let text):
            return try render(text, at: path, secrets: &secrets)
        case .array(let items):
            var out: [JSONValue] = []
            for (i, item) in items.enumerated() { out.append(try render(item, at: path + "/\(i)", secrets: &secrets)) }
            return .array(out)
        case .object(let fields):
            var out: [String: JSONValue] = [:]
            for key in fields.keys.sorted() {
                out[key] = try render(fields[key]!, at: path + "/" + JSONValue.pointerToken(key), secrets: &secrets)
            }
            return .object(out)
        case .null, .bool, .int, .double:
            return value
        }
    }

    func render(_ text: String) throws -> JSONValue {
        var paths: [String] = []
        return try render(text, at: "", secrets: &paths)
    }

    private func render(_ text: String, at path: String, secrets: inout [String]) throws -> JSONValue {
        let references = VariableReference.all(in: text)
        guard !references.isEmpty else { return .string(text) }
        if references.count == 1, references[0].whole {
            let resolved = try resolve(references[0])
            switch resolved {
            case .object(let fields):
                for key in fields.keys.sorted() where Self.secretKeys.contains(key) { secrets.append(path + "/" + key) }
            default:
                if isSecret(references[0]) { secrets.append(path) }
            }
            return resolved
        }
        var out = ""
        var cursor = text.startIndex
        var secret = false
        for reference in references {
            out += text[cursor..<reference.range.lowerBound]
            guard case .string(let piece) = try resolve(reference) else {
                throw CredentialError("((\(reference.body))) is a mapping and cannot be part of a longer string")
            }
            secret = secret || isSecret(reference)
            out += piece
            cursor = reference.range.upperBound
        }
        out += text[cursor...]
        if secret { secrets.append(path) }
        return .string(out)
    }

    /// Whether a reference resolving to a string resolves to a secret one.
    private func isSecret(_ reference: VariableReference) -> Bool {
        if let key = reference.key { return Self.secretKeys.contains(String(key)) }
        return credentials[String(reference.name)]?.keys == ["password"]
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
