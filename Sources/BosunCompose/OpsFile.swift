import Yams

/// Parsing of go-patch ops files: a YAML list of
/// `{type: replace|remove|test, path: ..., value: ..., absent: ..., error: ...}`.
public enum OpsFile {
    /// Parses an ops file with go-patch semantics (`yaml.Unmarshal` into
    /// `[]OpDefinition`, then `NewOpsFromDefinitions`). Each op records its
    /// zero-based ``Op/index`` and 1-based ``Op/line``; an `error:` field
    /// becomes the op's ``Op/errorDescription``. An empty file yields no ops.
    ///
    /// Pass `sourceName` to get bosh-cli's `--ops-file` behaviour instead: every
    /// op's description is replaced by `operation [N] in <sourceName> failed`,
    /// decoding errors are prefixed `Deserializing ops file '<sourceName>': ` and
    /// validation errors `Building ops: `.
    ///
    /// Throws ``GoPatchError``: kind `.yamlSyntax` (with line/column) for invalid
    /// YAML, `.invalidOpsFileStructure` for yaml.v2-style
    /// `yaml: unmarshal errors:` shape mismatches, `.invalidOpDefinition` for
    /// go-patch validation failures such as
    /// `Replace operation [0]: Missing value within\n{...}`.
    public static func parse(_ yaml: String, sourceName: String? = nil) throws(GoPatchError) -> [Op] {
        let root: Node?
        do {
            root = try YAMLParser.composeNode(yaml)
        } catch {
            let failure = GoPatchError(kind: .yamlSyntax, reason: error.description, line: error.line, column: error.column)
            throw sourceName.map { failure.wrapped("Deserializing ops file '\($0)'") } ?? failure
        }

        var decoder = OpDefinitionDecoder()
        var definitions = decoder.decode(root)
        if !decoder.typeErrors.isEmpty {
            let reason = "yaml: unmarshal errors:\n  " + decoder.typeErrors.joined(separator: "\n  ")
            let failure = GoPatchError(kind: .invalidOpsFileStructure, reason: reason)
            throw sourceName.map { failure.wrapped("Deserializing ops file '\($0)'") } ?? failure
        }

        if let sourceName {
            for index in definitions.indices {
                definitions[index].error = "operation [\(index)] in \(sourceName) failed"
            }
        }

        var ops: [Op] = []
        ops.reserveCapacity(definitions.count)
        for (index, definition) in definitions.enumerated() {
            do {
                ops.append(try definition.makeOp(index: index))
            } catch {
                throw sourceName == nil ? error : error.wrapped("Building ops")
            }
        }
        return ops
    }
}
