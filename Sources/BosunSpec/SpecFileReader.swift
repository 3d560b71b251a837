import BosunModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads one spec file safely: follows symlinks, refuses directories, FIFOs and devices (a FIFO
/// would block the reader), refuses files over 1 MiB without reading them, and reports system
/// errors (loops, permissions) as located spec issues.
public struct SpecFileReader: Sendable {
    public init() {}

    /// What `stat` says about a path, used to skip unchanged files between scans.
    public struct Fingerprint: Sendable, Hashable {
        public var device: UInt64
        public var inode: UInt64
        public var size: Int64
        public var modifiedNanos: Int64
        public var changedNanos: Int64
        public var isRegular: Bool
    }

    /// `stat(2)` of `path` (following links), or the errno message.
    public func fingerprint(_ path: String) -> Result<Fingerprint, SpecRejection> {
        var st = stat()
        guard stat(path, &st) == 0 else {
            return .failure(Self.issue(path, Self.errnoText(errno)))
        }
        let isRegular = (st.st_mode & S_IFMT) == S_IFREG
        return .success(Fingerprint(
            device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
            modifiedNanos: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
            changedNanos: Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec),
            isRegular: isRegular))
    }

    /// The file's bytes, or why they cannot be used as a spec.
    public func read(_ path: String) -> Result<Data, SpecRejection> {
        var st = stat()
        guard stat(path, &st) == 0 else { return .failure(Self.issue(path, Self.errnoText(errno))) }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return .failure(Self.issue(path, "is a directory, not a spec file"))
        default: return .failure(Self.issue(path, "is not a regular file (device, FIFO or socket)"))
        }
        if st.st_size > SpecRules.maxFileBytes {
            return .failure(Self.issue(path, "file is \(st.st_size) bytes; spec files are limited to 1 MiB"))
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return .failure(Self.issue(path, Self.errnoText(errno))) }
        defer { close(fd) }
        // Read up to one byte past the limit: a file that grew after stat is still caught.
        let limit = SpecRules.maxFileBytes + 1
        var data = Data(count: limit)
        var total = 0
        while total < limit {
            let n = data.withUnsafeMutableBytes { buf in
                Glibc.read(fd, buf.baseAddress! + total, limit - total)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(Self.issue(path, Self.errnoText(errno)))
            }
            if n == 0 { break }
            total += n
        }
        if total > SpecRules.maxFileBytes {
            return .failure(Self.issue(path, "file is over 1 MiB; spec files are limited to 1 MiB"))
        }
        data.count = total
        return .success(data)
    }

    /// Reads and decodes in one step.
    public func load(_ path: String, decoder: SpecDecoder = SpecDecoder()) -> Result<ClusterSpec, SpecRejection> {
        read(path).flatMap { decoder.decode(data: $0, file: path) }
    }

    static func issue(_ path: String, _ message: String) -> SpecRejection {
        SpecRejection(issues: [SpecIssue(file: path, line: 1, column: 1, path: "(file)", message: message)])
    }

    static func errnoText(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no such file"
        case ELOOP: "cannot read: too many levels of symbolic links (a symlink loop?)"
        case EACCES: "cannot read: permission denied"
        default: "cannot read: \(String(cString: strerror(code)))"
        }
    }
}
