extension YAMLValue {
    /// Names of the `((variables))` still referenced anywhere in the document (map keys
    /// included), in document order, each once, `!` stripped: what interpolation left unresolved.
    public var referencedVariables: [String] {
        var seen: Set<String> = []
        var out: [String] = []
        func add(_ text: String) {
            for name in VariableReferenceScanner.names(in: text) where seen.insert(name).inserted { out.append(name) }
        }
        func walk(_ value: YAMLValue) {
            switch value {
            case .string(let text): add(text)
            case .array(let items): items.forEach(walk)
            case .mapping(let pairs):
                for pair in pairs {
                    add(pair.key)
                    walk(pair.value)
                }
            default: break
            }
        }
        walk(self)
        return out
    }
}
