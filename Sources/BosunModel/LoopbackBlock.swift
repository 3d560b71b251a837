/// A local cluster's address block `127.A.B` (A 1…254, B 0…255): 127.0.x is the host's own.
/// The spec validator and the local provider both hold regions to it.
public enum LoopbackBlock {
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "127", let a = Int(parts[1]), let b = Int(parts[2]) else { return false }
        return (1...254).contains(a) && (0...255).contains(b) && String(a) == parts[1] && String(b) == parts[2]
    }
}
