import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Lease holder names: `role@host:pid`, readable in `leases` and in error messages, and
/// checkable: a holder on this host whose process no longer exists has certainly stopped
/// acting, so its lease need not be waited out.
public enum LeaseOwner {
    public static func name(role: String) -> String {
        "\(role)@\(ProcessInfo.processInfo.hostName):\(getpid())"
    }

    /// True only when `holder` names a process on this host that does not exist.
    @Sendable public static func isDeadLocalProcess(_ holder: String) -> Bool {
        guard let at = holder.lastIndex(of: "@"), let colon = holder.lastIndex(of: ":"), at < colon,
            holder[holder.index(after: at)..<colon] == ProcessInfo.processInfo.hostName,
            let pid = Int32(holder[holder.index(after: colon)...]), pid > 0
        else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}
