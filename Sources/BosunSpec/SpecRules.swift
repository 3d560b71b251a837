/// The lexical rules of spec values, shared by validation and by anything that must trust a
/// name later (paths, SQL, shell). Plain predicates over ASCII: no regex engine on the hot path.
public enum SpecRules {
    /// Limits of `spec-format.md`.
    public static let maxInstancesPerGroup = 10_000
    public static let maxGroups = 100
    public static let maxAZs = 32
    public static let maxJobs = 64
    public static let maxDiskMiB = 64 * 1024 * 1024  // 64 TiB
    public static let maxFileBytes = 1 << 20

    /// `[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?`
    public static func isDNSLabel(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard (1...63).contains(u.count) else { return false }
        for c in u where !(isLowerAlnum(c) || c == UInt8(ascii: "-")) { return false }
        return isLowerAlnum(u.first!) && isLowerAlnum(u.last!)
    }

    /// Provider-side identifiers (images, VM types, disk types, LB names, regions, AZs):
    /// letters, digits and `. _ : / -`, starting with a letter or digit, at most `max` long.
    public static func isIdentifier(_ s: String, max: Int = 128) -> Bool {
        let u = Array(s.utf8)
        guard (1...max).contains(u.count), isAlnum(u[0]) else { return false }
        return u.allSatisfy { isAlnum($0) || "._:/-".utf8.contains($0) }
    }

    /// `MAJOR.MINOR.PATCH` with an optional `-pre` / `+build` suffix.
    public static func isVersion(_ s: String) -> Bool {
        guard s.utf8.count <= 64 else { return false }
        var core = Substring(s)
        if let cut = s.firstIndex(where: { $0 == "-" || $0 == "+" }) {
            let suffix = s[s.index(after: cut)...]
            guard !suffix.isEmpty,
                suffix.utf8.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") })
            else { return false }
            core = s[..<cut]
        }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(isDigit) }
    }

    /// A file name the watcher and ingester skip: editors' and atomic writers' temporaries.
    public static func isIgnoredFileName(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix("~") || name.hasSuffix(".tmp") || name.hasSuffix(".swp")
    }

    /// A file name that holds a spec: `*.yaml` / `*.yml` and not ignored.
    public static func isSpecFileName(_ name: String) -> Bool {
        !isIgnoredFileName(name) && (name.hasSuffix(".yaml") || name.hasSuffix(".yml"))
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    private static func isLowerAlnum(_ c: UInt8) -> Bool { isDigit(c) || (c >= 97 && c <= 122) }
    private static func isAlnum(_ c: UInt8) -> Bool { isLowerAlnum(c) || (c >= 65 && c <= 90) }
}
