/// bosh-cli's `interpolator`: replaces `((name))` references throughout a
/// document, map keys included.
enum Interpolator {
    static func interpolate(_ node: YAMLValue, tracker: VariablesTracker) throws(InterpolationError) -> YAMLValue {
        switch node {
        case .mapping(let pairs):
            var result: [(key: String, value: YAMLValue)] = []
            result.reserveCapacity(pairs.count)
            for pair in pairs {
                // bosh-cli evaluates the value before the key.
                let value = try interpolate(pair.value, tracker: tracker)
                let key = try keyText(try interpolate(.string(pair.key), tracker: tracker), original: pair.key)
                result.setValue(value, forKey: key)
            }
            return .mapping(result)
        case .array(let items):
            var result: [YAMLValue] = []
            result.reserveCapacity(items.count)
            for item in items {
                result.append(try interpolate(item, tracker: tracker))
            }
            return .array(result)
        case .string(let text):
            return try interpolate(text, tracker: tracker)
        default:
            return node
        }
    }

    private static func interpolate(_ original: String, tracker: VariablesTracker) throws(InterpolationError) -> YAMLValue {
        var text = original
        for name in VariableReferenceScanner.names(in: original) {
            let found: YAMLValue?
            do {
                found = try lookup(name, tracker: tracker)
            } catch {
                throw error.wrapped("Finding variable '\(name)'")
            }
            // Missing variables stay as written.
            guard let found else { continue }
            if VariableReferenceScanner.isWholeReference(text) {
                return found  // a whole-value reference keeps the variable's type
            }
            let replacement: String
            switch found {
            case .string(let value): replacement = value
            case .int(let value): replacement = String(value)
            default:
                throw InterpolationError(.message("Invalid type '\(GoFormat.typeName(found))' for value '\(GoFormat.value(found))' and variable '\(name)'. Supported types for interpolation within a string are integers and strings."))
            }
            // Only the exact `((name))` / `((!name))` spellings are replaced, so a
            // spaced `(( name ))` inside a longer string survives, as in bosh-cli.
            text = replacingAll(in: text, of: "((\(name)))", with: replacement)
            text = replacingAll(in: text, of: "((!\(name)))", with: replacement)
        }
        return .string(text)
    }

    /// bosh-cli's `varsLookup.Get`: `a.b.c` looks up `a`, then walks `/b/c`
    /// with go-patch's find; if that fails, numeric steps are retried as map keys.
    ///
    /// Returns `nil` when the base variable is not found.
    static func lookup(_ name: String, tracker: VariablesTracker) throws(InterpolationError) -> YAMLValue? {
        let pieces = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let value = try tracker.get(pieces[0]) else { return nil }
        guard pieces.count > 1 else { return value }
        let pointer: Pointer
        do {
            pointer = try Pointer("/" + pieces.dropFirst().joined(separator: "/"))
        } catch {
            throw InterpolationError(.message(error.reason))
        }
        if let found = try? FindOperation.find(pointer, in: value) { return found }
        let keysOnly = Pointer(tokens: pointer.tokens.map { token in
            if case .index(let index, _) = token { return .key(String(index)) }
            return token
        })
        do {
            return try FindOperation.find(keysOnly, in: value)
        } catch {
            throw InterpolationError(.message(error.text))
        }
    }

    /// Map keys must stay strings in ``YAMLValue``; scalars take their text form
    /// (bosh-cli would panic on a list or map key, so that is an error here).
    private static func keyText(_ value: YAMLValue, original: String) throws(InterpolationError) -> String {
        if let text = value.scalarText { return text }
        throw InterpolationError(.message("Expected map key '\(original)' to interpolate to a scalar but found '\(GoFormat.typeName(value))'"))
    }

    /// Go's `strings.Replace(s, old, new, -1)`: byte-wise, left to right, non-overlapping.
    static func replacingAll(in text: String, of target: String, with replacement: String) -> String {
        let source = Array(text.utf8)
        let needle = Array(target.utf8)
        guard !needle.isEmpty, source.count >= needle.count else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(source.count)
        var i = 0
        var changed = false
        while i < source.count {
            if i + needle.count <= source.count && source[i..<(i + needle.count)].elementsEqual(needle) {
                output.append(contentsOf: replacement.utf8)
                i += needle.count
                changed = true
            } else {
                output.append(source[i])
                i += 1
            }
        }
        return changed ? String(decoding: output, as: UTF8.self) : text
    }
}

/// Replaces `((name))` references in `document` with values from `variables`
/// (bosh-cli's template interpolation, including its `variables:` section
/// handling: typed definitions are looked up first, and definitions whose
/// variable was found are removed from the output).
///
/// A whole-value reference keeps the variable's type; inside a longer string
/// only strings and integers may be spliced. `((a.b.c))` walks `/b/c` into
/// variable `a`. Without `expectAllKeys`, unresolved references are left as
/// written.
///
/// Throws ``InterpolationError`` when a lookup fails, a value has an
/// unsupported type for splicing, definitions recurse, or — with
/// `expectAllKeys` (`--var-errs`) / `expectAllVarsUsed` (`--var-errs-unused`) —
/// variables are missing or unused.
public func interpolate(_ document: YAMLValue, variables: Variables, expectAllKeys: Bool,
                        expectAllVarsUsed: Bool = false) throws(InterpolationError) -> YAMLValue {
    let definitions: [VariableDefinition]
    if case .mapping = document {
        definitions = try VariableDefinition.extract(from: document)
    } else {
        definitions = []
    }
    let tracker = VariablesTracker(variables: variables, definitions: definitions)
    let wrapDefinitions = "Getting all variables from variable definitions sections"

    // Typed definitions first, in order: bosh-cli's basic dependency ordering.
    for definition in definitions where !definition.type.isEmpty {
        do { _ = try tracker.get(definition.name) } catch { throw error.wrapped(wrapDefinitions) }
    }

    var result = try Interpolator.interpolate(document, tracker: tracker)

    var foundNames: [String] = []
    for definition in definitions {
        do {
            if try tracker.get(definition.name) != nil { foundNames.append(definition.name) }
        } catch {
            throw error.wrapped(wrapDefinitions)
        }
    }
    for name in foundNames {
        let pointer = Pointer(tokens: [.key("variables"), .matching(key: "name", value: name)])
        do {
            result = try RemoveOperation.apply(pointer, to: result)
        } catch {
            throw InterpolationError(.message(error.text))
        }
    }

    if let failure = tracker.failure(expectAllFound: expectAllKeys, expectAllUsed: expectAllVarsUsed) {
        throw failure
    }
    return result
}
