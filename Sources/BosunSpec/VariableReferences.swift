import BosunModel

/// Which variables a group's `properties` reference, for the `referenced_by` column and for
/// rolling out the groups a rotated credential affects.
public enum VariableReferences {
    /// Names referenced anywhere in `value` as `((name))` or `((name.key))`.
    public static func names(in value: JSONValue) -> Set<String> {
        switch value {
        case .string(let text):
            return Set(ReferenceChecker.references(in: text).map { String($0.name) })
        case .array(let items):
            return items.reduce(into: Set<String>()) { $0.formUnion(names(in: $1)) }
        case .object(let map):
            return map.values.reduce(into: Set<String>()) { $0.formUnion(names(in: $1)) }
        case .null, .bool, .int, .double:
            return []
        }
    }

    /// For each variable of `spec`, the groups whose properties reference it, in group order.
    public static func referencingGroups(_ spec: ClusterSpec) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for group in spec.groups {
            for name in names(in: group.properties).sorted() { out[name, default: []].append(group.name) }
        }
        return out
    }
}
