/// The values available to `((name))` references: bosh-cli's `StaticVariables`,
/// fed from precedence-ordered sources.
///
/// Sources are added in precedence order and a later value for the same name
/// replaces an earlier one. bosh-cli's own order is: `--vars-env`, then `-l`
/// files, then `--var-file`, then `-v`, each in command-line order.
///
/// A dotted name (`-v a.b=1`) sets key `b` inside variable `a`, as bosh-cli does.
/// Unlike bosh-cli (whose Go map iteration makes the outcome random), dotted
/// names are applied in insertion order and merge into an existing mapping.
public struct Variables: Sendable {
    private var entries: [(key: String, value: YAMLValue)] = []

    /// No variables.
    public init() {}

    /// Variables from name/value pairs, later pairs winning.
    public init(_ values: KeyValuePairs<String, YAMLValue>) {
        for (name, value) in values { set(name, to: value) }
    }

    /// Sets one variable, replacing any earlier value of the same name.
    public mutating func set(_ name: String, to value: YAMLValue) {
        entries.setValue(value, forKey: name)
    }

    /// Adds every entry of `other`, which takes precedence over this one.
    public mutating func add(contentsOf other: Variables) {
        for entry in other.entries { set(entry.key, to: entry.value) }
    }

    /// Adds a vars file (`-l`): a mapping of names to values; `null` adds nothing.
    ///
    /// Throws ``VariablesError`` if the document is not a mapping.
    public mutating func addVarsFile(_ document: YAMLValue, sourceName: String) throws(VariablesError) {
        switch document {
        case .null:
            return
        case .mapping(let pairs):
            for pair in pairs { set(pair.key, to: pair.value) }
        default:
            var shown = ""
            if let text = document.scalarText {
                shown = text.utf8.count > 10 ? " `" + String(decoding: text.utf8.prefix(7), as: UTF8.self) + "...`" : " `" + text + "`"
            }
            throw VariablesError("Deserializing variables file '\(sourceName)': yaml: unmarshal errors:\n  line 1: cannot unmarshal \(document.yamlTagName)\(shown) into template.StaticVariables")
        }
    }

    /// Parses and adds a vars file's text (`-l`).
    ///
    /// Throws ``VariablesError`` for invalid YAML or a non-mapping document.
    public mutating func addVarsFile(yaml: String, sourceName: String) throws(VariablesError) {
        let document: YAMLValue
        do {
            document = try YAMLParser.parse(yaml)
        } catch {
            throw VariablesError("Deserializing variables file '\(sourceName)': \(error)")
        }
        try addVarsFile(document, sourceName: sourceName)
    }

    /// Adds a `-v name=value` flag. The value is read as YAML (so `-v n=3` is an
    /// integer and `-v l=[a,b]` a list); a value that reads as a plain string is
    /// kept verbatim apart from one pair of wrapping quotes, as bosh-cli does.
    ///
    /// Throws ``VariablesError`` for a missing `=`, empty name or value, or invalid YAML.
    public mutating func addVarFlag(_ flag: String) throws(VariablesError) {
        guard let equals = flag.firstIndex(of: "=") else {
            throw VariablesError("Expected var '\(flag)' to be in format 'name=value'")
        }
        let name = String(flag[..<equals])
        let raw = String(flag[flag.index(after: equals)...])
        guard !name.isEmpty else { throw VariablesError("Expected var '\(flag)' to specify non-empty name") }
        guard !raw.isEmpty else { throw VariablesError("Expected var '\(flag)' to specify non-empty value") }
        let parsed: YAMLValue
        do {
            parsed = try YAMLParser.parse(raw)
        } catch {
            throw VariablesError("Deserializing variables '\(flag)': \(error)")
        }
        if case .string = parsed {
            // YAML parsing folds newlines and strips quotes; bosh-cli keeps the raw text.
            set(name, to: .string(Self.trimWrappingQuotes(raw)))
        } else {
            set(name, to: parsed)
        }
    }

    /// Splits a `--var-file name=path` flag; the caller reads the file and
    /// passes its contents to ``addVarFile(name:contents:)``.
    ///
    /// Throws ``VariablesError`` with bosh-cli's wording for a malformed flag.
    public static func parseVarFileFlag(_ flag: String) throws(VariablesError) -> (name: String, path: String) {
        guard let equals = flag.firstIndex(of: "=") else {
            throw VariablesError("Expected var '\(flag)' to be in format 'name=path'")
        }
        let name = String(flag[..<equals])
        let path = String(flag[flag.index(after: equals)...])
        guard !name.isEmpty else { throw VariablesError("Expected var '\(flag)' to specify non-empty name") }
        guard !path.isEmpty else { throw VariablesError("Expected var '\(flag)' to specify non-empty path") }
        return (name, path)
    }

    /// Adds a `--var-file`: the file's contents become a string variable.
    public mutating func addVarFile(name: String, contents: String) {
        set(name, to: .string(contents))
    }

    /// Adds `--vars-env PREFIX`: every `PREFIX_name=yaml` entry, in name order.
    ///
    /// Throws ``VariablesError`` for an empty prefix or a value that is not valid YAML.
    public mutating func addEnvironment(prefix: String, environment: [String: String]) throws(VariablesError) {
        guard !prefix.isEmpty else { throw VariablesError("Expected environment variable prefix to be non-empty") }
        for key in environment.keys.sorted() where key.hasPrefix(prefix + "_") {
            do {
                set(String(key.dropFirst(prefix.count + 1)), to: try YAMLParser.parse(environment[key] ?? ""))
            } catch {
                throw VariablesError("Deserializing YAML from environment variable '\(key)': \(error)")
            }
        }
    }

    /// The value of a top-level variable after dotted names are expanded, or `nil`.
    public func value(named name: String) -> YAMLValue? {
        resolved()[name]
    }

    /// Top-level variable names after dotted names are expanded (bosh-cli's `List`).
    public var names: [String] {
        resolved().mappingKeys ?? []
    }

    /// bosh-cli's `StaticVariables.processed`: expands `a.b` names into nested maps.
    func resolved() -> YAMLValue {
        var root: [(key: String, value: YAMLValue)] = []
        for entry in entries {
            let pieces = entry.key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if pieces.count == 1 {
                root.setValue(entry.value, forKey: entry.key)
            } else {
                root = Self.setting(entry.value, at: pieces[...], in: root)
            }
        }
        return .mapping(root)
    }

    private static func setting(_ value: YAMLValue, at path: ArraySlice<String>, in pairs: [(key: String, value: YAMLValue)]) -> [(key: String, value: YAMLValue)] {
        var pairs = pairs
        guard let head = path.first else { return pairs }
        if path.count == 1 {
            pairs.setValue(value, forKey: head)
            return pairs
        }
        var child: [(key: String, value: YAMLValue)] = []
        if case .mapping(let existing)? = pairs.first(where: { $0.key == head })?.value { child = existing }
        pairs.setValue(.mapping(setting(value, at: path.dropFirst(), in: child)), forKey: head)
        return pairs
    }

    private static func trimWrappingQuotes(_ text: String) -> String {
        guard text.count >= 2, let first = text.first, let last = text.last,
              (first == "\"" && last == "\"") || (first == "'" && last == "'") else { return text }
        return String(text.dropFirst().dropLast())
    }
}

extension YAMLValue {
    /// yaml.v2's short tag for this value's kind, for "cannot unmarshal" messages.
    var yamlTagName: String {
        switch self {
        case .null: return "!!null"
        case .bool: return "!!bool"
        case .int: return "!!int"
        case .double: return "!!float"
        case .string: return "!!str"
        case .array: return "!!seq"
        case .mapping: return "!!map"
        }
    }
}
