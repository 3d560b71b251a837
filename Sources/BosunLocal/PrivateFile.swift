import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a file atomically with its final mode from the first byte: created under a fresh
/// temporary name with `O_EXCL` and that mode (so a private key is never readable by others,
/// not even between create and chmod), written, synced, then renamed over the target.
enum PrivateFile {
    static func write(_ data: Data, to path: String, mode: mode_t) throws {
        let tmp = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw LocalError.terminal("LocalFailure", "cannot create \(tmp): \(String(cString: strerror(errno)))") }
        var ok = fchmod(fd, mode) == 0  // the umask may have narrowed it; never widened
        ok = ok && data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue } else { return false } }
                offset += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw LocalError.terminal("LocalFailure", "cannot write \(path): \(reason)")
        }
    }
}
