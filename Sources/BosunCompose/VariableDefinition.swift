/// An entry of a manifest's `variables:` section (bosh-cli's
/// `VariableDefinition`). Only `name`, `type` and `options` matter here.
struct VariableDefinition {
    var name = ""
    var type = ""
    var options: YAMLValue = .null

    /// bosh-cli's `ExtractDefinitions`: reads `variables:` from a mapping
    /// document, with yaml.v2's field rules (scalars fill string fields with
    /// their text, `null` leaves them empty).
    ///
    /// Throws ``InterpolationError`` shaped like yaml.v2's unmarshal error when
    /// the section has the wrong shape (without yaml.v2's line numbers, which
    /// refer to a re-serialized document).
    static func extract(from document: YAMLValue) throws(InterpolationError) -> [VariableDefinition] {
        guard let section = document["variables"] else { return [] }
        var errors: [String] = []
        var definitions: [VariableDefinition] = []
        switch section {
        case .null:
            return []
        case .array(let items):
            for item in items {
                switch item {
                case .null:
                    definitions.append(VariableDefinition())
                case .mapping:
                    var definition = VariableDefinition()
                    definition.name = stringField(item["name"], errors: &errors)
                    definition.type = stringField(item["type"], errors: &errors)
                    definition.options = item["options"] ?? .null
                    definitions.append(definition)
                default:
                    errors.append(unmarshalError(item, into: "template.VariableDefinition"))
                }
            }
        default:
            errors.append(unmarshalError(section, into: "[]template.VariableDefinition"))
        }
        guard errors.isEmpty else {
            throw InterpolationError(.message("yaml: unmarshal errors:\n  " + errors.joined(separator: "\n  ")))
        }
        return definitions
    }

    private static func stringField(_ value: YAMLValue?, errors: inout [String]) -> String {
        guard let value, value != .null else { return "" }
        guard let text = value.scalarText else {
            errors.append(unmarshalError(value, into: "string"))
            return ""
        }
        return text
    }

    private static func unmarshalError(_ value: YAMLValue, into target: String) -> String {
        var shown = ""
        if let text = value.scalarText {
            let bytes = Array(text.utf8)
            shown = bytes.count > 10 ? " `" + String(decoding: bytes.prefix(7), as: UTF8.self) + "...`" : " `" + text + "`"
        }
        return "cannot unmarshal \(value.yamlTagName)\(shown) into \(target)"
    }
}
