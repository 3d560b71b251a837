/// Parses disk sizes with a binary unit (`512MiB`, `5GiB`, `1TiB`) into MiB.
enum SizeParser {
    static let units: [(suffix: String, mib: Int)] = [("MiB", 1), ("GiB", 1024), ("TiB", 1024 * 1024)]

    /// The size in MiB, or a message saying what is wrong.
    static func mebibytes(_ text: String) -> Result<Int, SizeError> {
        guard let unit = units.first(where: { text.hasSuffix($0.suffix) }) else {
            return .failure(SizeError(message: "must be a whole number with a unit MiB, GiB or TiB (e.g. 5GiB)"))
        }
        let digits = text.dropLast(unit.suffix.count)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), digits.count <= 9,
            let n = Int(digits)
        else {
            return .failure(SizeError(message: "must be a whole number with a unit MiB, GiB or TiB (e.g. 5GiB)"))
        }
        let mib = n * unit.mib
        guard mib > 0 else { return .failure(SizeError(message: "must be greater than zero")) }
        guard mib <= SpecRules.maxDiskMiB else { return .failure(SizeError(message: "must be at most 64TiB")) }
        return .success(mib)
    }

    struct SizeError: Error { let message: String }
}
