/// bosh-cli's `varsTracker`: looks variables up while recording which were
/// missing and which were used, interpolates variable-definition options
/// with a scoped tracker, and detects definitions that reference themselves.
///
/// A class because bosh-cli's tracker shares its bookkeeping maps between
/// copies; one instance lives only for one interpolation call.
final class VariablesTracker {
    private let values: YAMLValue
    private let availableNames: [String]
    let definitions: [VariableDefinition]
    private let visited: Set<String>
    private(set) var missing: Set<String> = []
    private(set) var visitedAll: Set<String> = []

    init(variables: Variables, definitions: [VariableDefinition]) {
        self.values = variables.resolved()
        self.availableNames = values.mappingKeys ?? []
        self.definitions = definitions
        self.visited = []
    }

    private init(parent: VariablesTracker, visiting name: String) {
        values = parent.values
        availableNames = parent.availableNames
        definitions = parent.definitions
        visited = parent.visited.union([name])
    }

    /// The variable's value, or `nil` when it is not set (recorded as missing)
    /// or its definition's options reference a missing variable (not recorded).
    ///
    /// Throws ``InterpolationError`` for recursive definitions and failures
    /// inside definition options.
    func get(_ name: String) throws(InterpolationError) -> YAMLValue? {
        visitedAll.insert(name)
        if visited.contains(name) { throw InterpolationError(.message("Detected recursion")) }
        let scoped = VariablesTracker(parent: self, visiting: name)
        let options = definitions.first(where: { $0.name == name })?.options ?? .null
        do {
            // Only the side effects matter: static variables ignore options, but
            // a reference to a missing variable makes this one "not found".
            _ = try Interpolator.interpolate(options, tracker: scoped)
        } catch {
            throw error.wrapped("Interpolating variable '\(name)' definition options")
        }
        if !scoped.missing.isEmpty { return nil }
        guard let value = values[name] else {
            missing.insert(name)
            return nil
        }
        return value
    }

    /// bosh-cli's `MissingError` / `ExtraError` combined as `Error()` does, or `nil`.
    func failure(expectAllFound: Bool, expectAllUsed: Bool) -> InterpolationError? {
        var causes: [InterpolationError.Cause] = []
        let missingNames = expectAllFound ? Self.sorted(missing) : []
        if !missingNames.isEmpty {
            causes.append(.wrapped("Expected to find variables", .multiple(missingNames.map { .message($0) })))
        }
        let unusedNames = expectAllUsed ? Self.sorted(Set(availableNames).subtracting(visitedAll)) : []
        if !unusedNames.isEmpty {
            causes.append(.wrapped("Expected to use variables", .multiple(unusedNames.map { .message($0) })))
        }
        guard !causes.isEmpty else { return nil }
        return InterpolationError(.multiple(causes), missingVariables: missingNames, unusedVariables: unusedNames)
    }

    /// Go's `sort.Strings`: byte order.
    private static func sorted(_ names: Set<String>) -> [String] {
        names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
