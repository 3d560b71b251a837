import BosunModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads one spec file safely: follows a symlink only to a regular file inside the specs
/// directory (a link to `/etc/shadow` is refused before a byte of it is read), refuses
/// directories, FIFOs and devices (a FIFO would block the reader), refuses files over 1 MiB
/// without reading them, and reports system errors (loops, permissions) as located spec issues.
public struct SpecFileReader: Sendable {
    /// The specs directory that symlinks must stay inside; nil means each file's own directory
    /// (what `bosun validate FILE` uses).
    public let directory: String?

    /// - Parameter directory: the specs directory; nil for each file's own directory.
    public init(directory: String? = nil) {
        self.directory = directory
    }

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
        var link = stat()
        guard lstat(path, &link) == 0 else { return .failure(Self.issue(path, Self.errnoText(errno))) }
        let isLink = (link.st_mode & S_IFMT) == S_IFLNK
        var root = ""
        if isLink {
            // Judge the target by where it is, before anything opens it.
            switch resolve(path) {
            case .failure(let rejection): return .failure(rejection)
            case .success(let (specsRoot, target)):
                root = specsRoot
                guard Self.isInside(target, root) else { return .failure(outside(path, root)) }
            }
        }
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
        // A plain file is opened without following links, so one swapped in since `lstat`
        // is refused; a link is checked again on what was actually opened.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (isLink ? 0 : O_NOFOLLOW))
        guard fd >= 0 else {
            if errno == ELOOP, !isLink {
                return .failure(Self.issue(path, "replaced by a symlink while being read; it is read again on the next change"))
            }
            return .failure(Self.issue(path, Self.errnoText(errno)))
        }
        defer { close(fd) }
        if isLink {
            var opened = stat()
            guard fstat(fd, &opened) == 0, (opened.st_mode & S_IFMT) == S_IFREG,
                let real = Self.openedPath(fd) ?? Self.samePath(path, as: opened), Self.isInside(real, root)
            else { return .failure(outside(path, root)) }
        }
        // Read up to one byte past the limit: a file that grew after stat is still caught. The
        // buffer starts at the size stat gave (plus the byte that finds the end) and grows only
        // if the file did: a zeroed 1 MiB per file was most of the cost of reading a directory.
        let limit = SpecRules.maxFileBytes + 1
        var data = Data(count: min(limit, max(0, Int(st.st_size)) + 1))
        var total = 0
        while total < limit {
            if total == data.count { data.count = min(limit, data.count * 2) }
            let room = data.count - total
            let n = data.withUnsafeMutableBytes { buf in
                Glibc.read(fd, buf.baseAddress! + total, room)
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

    /// Every check ingestion makes on one file, up to and including its canonical form, so
    /// `bosun validate` can never pass a file that ingestion rejects.
    public func outcome(_ path: String, decoder: SpecDecoder = SpecDecoder()) -> SpecOutcome {
        switch read(path) {
        case .failure(let rejection): return .rejected(rejection)
        case .success(let data):
            guard SpecComposer.isComposition(data) else { return Self.outcome(data, path: path, decoder: decoder) }
            switch SpecComposer(directory: directory).compose(path: path, data: data) {
            case .failure(let rejection): return .rejected(rejection)
            case .success(let composition):
                return Self.outcome(Data(composition.text.utf8), path: SpecComposer.composedName(path), decoder: decoder)
            }
        }
    }

    /// The outcome of bytes already read from `path`: decoded, validated and put in canonical
    /// form. The one place both `validate` and ingestion (the scanner) get their verdict from,
    /// so the two never disagree.
    public static func outcome(_ data: Data, path: String, decoder: SpecDecoder) -> SpecOutcome {
        switch decoder.decode(data: data, file: path) {
        case .failure(let rejection): return .rejected(rejection)
        case .success(let spec):
            do {
                return .accepted(AcceptedSpec(spec, canonical: try CanonicalSpec(spec)))
            } catch {
                return .rejected(Self.issue(path, "\(error)"))
            }
        }
    }

    /// The specs directory and the link's final target, both with every link resolved.
    private func resolve(_ path: String) -> Result<(root: String, target: String), SpecRejection> {
        let parent = (path as NSString).deletingLastPathComponent
        let specs = directory ?? (parent.isEmpty ? "." : parent)
        guard let root = Self.realPath(specs) else {
            return .failure(Self.issue(path, "cannot resolve the specs directory \(specs): \(String(cString: strerror(errno)))"))
        }
        guard let target = Self.realPath(path) else {
            let code = errno
            return .failure(Self.issue(path, code == ENOENT ? "symlink target does not exist" : Self.errnoText(code)))
        }
        return .success((root, target))
    }

    private func outside(_ path: String, _ root: String) -> SpecRejection {
        Self.issue(path, "symlink points outside the specs directory (only links to regular files inside \(root) are followed)")
    }

    static func isInside(_ target: String, _ root: String) -> Bool {
        target.hasPrefix(root == "/" ? "/" : root + "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Without `/proc`: the link resolved again, if it still leads to the very file opened.
    static func samePath(_ path: String, as opened: stat) -> String? {
        guard let real = realPath(path) else { return nil }
        var st = stat()
        guard stat(real, &st) == 0, st.st_dev == opened.st_dev, st.st_ino == opened.st_ino else { return nil }
        return real
    }

    /// Where an open descriptor really points (Linux `/proc/self/fd`), or nil if unknown.
    static func openedPath(_ fd: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/fd/\(fd)", &buffer, Int(PATH_MAX))
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
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
