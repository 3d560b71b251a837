/// One step of a go-patch ``Pointer`` (go-patch's token types, minus the
/// implicit root token).
public enum PointerToken: Sendable, Hashable {
    /// `/3`, `/-1`, `/0:prev:before`: an array position; negative counts from the end.
    case index(Int, modifiers: [PointerModifier] = [])
    /// `/-`: the slot after the last array element (only valid as the last token).
    case afterLastIndex
    /// `/name=web`, `/name=web?`: the single array item that is a map whose
    /// `key` holds the string `value`.
    case matching(key: String, value: String, optional: Bool = false, modifiers: [PointerModifier] = [])
    /// `/key`, `/key?`: a map key. Optional keys are created or skipped when missing.
    case key(String, optional: Bool = false)

    /// Go's `%T` for this token, used verbatim in go-patch error messages.
    var goTypeName: String {
        switch self {
        case .index: return "patch.IndexToken"
        case .afterLastIndex: return "patch.AfterLastIndexToken"
        case .matching: return "patch.MatchingIndexToken"
        case .key: return "patch.KeyToken"
        }
    }
}

/// A `:modifier` suffix on an index or matching token.
public enum PointerModifier: String, Sendable, Hashable, CaseIterable {
    /// `:prev`, one element before.
    case prev
    /// `:next`, one element after.
    case next
    /// `:before`, insert before the element (replace only, last token only).
    case before
    /// `:after`, insert after the element (replace only, last token only).
    case after

    /// Go's `%T`, used verbatim in go-patch error messages.
    var goTypeName: String {
        switch self {
        case .prev: return "patch.PrevModifier"
        case .next: return "patch.NextModifier"
        case .before: return "patch.BeforeModifier"
        case .after: return "patch.AfterModifier"
        }
    }
}
