/// Public ids are a kind and the SQLite rowid (`vm-000042`, `disk-000007`): unique across every
/// process sharing the file, deterministic for a given sequence of creates, and never reused
/// (AUTOINCREMENT), so an id the controller recorded cannot come back as a different VM.
enum SimID {
    static let vm = "vm"
    static let disk = "disk"

    static func format(_ kind: String, _ rowid: Int64) -> String {
        let digits = String(rowid)
        return kind + "-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// The rowid behind an id of `kind`, or nil for anything else (which then names nothing).
    static func parse(_ id: String, _ kind: String) -> Int64? {
        guard id.hasPrefix(kind + "-") else { return nil }
        let digits = id.dropFirst(kind.count + 1)
        guard let value = Int64(digits), value > 0, format(kind, value) == id else { return nil }
        return value
    }
}
