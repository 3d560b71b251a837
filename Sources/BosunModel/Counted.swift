/// A count with its noun in the right number, as operators read it: "1 instance",
/// "3 instances", "0 actions". `plural` defaults to the singular with an "s".
public func counted(_ n: Int, _ singular: String, plural: String? = nil) -> String {
    "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
}

/// How long ago, in the largest unit that keeps it readable: "40s", "12m", "5h", "3.5d".
public func ageText(seconds: Double) -> String {
    switch seconds {
    case ..<60: "\(Int(max(0, seconds)))s"
    case ..<3600: "\(Int(seconds / 60))m"
    case ..<86_400: "\(Int(seconds / 3600))h"
    default: "\((seconds / 8640).rounded() / 10)d"
    }
}
