import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Watches one directory with inotify and reports "something relevant changed" after a burst
/// settles: `quiet` without further events, or `maxDelay` after the first one, whichever comes
/// first. It reports no details on purpose: the consumer re-lists the directory, which is
/// level-triggered and cannot be fooled by a missed or reordered event.
///
/// Survives the directory being removed and re-created (it re-adds the watch every 250 ms until
/// the directory is back, then reports a change). Ignores editor and atomic-writer temporaries
/// (`SpecRules.isIgnoredFileName`), and the creation of regular files (their content is only
/// complete at close-write or at the rename into place).
///
/// With a `WriteTracker` it also records, per file name, whether the file was last written to
/// or last closed / renamed into place, so the scanner never takes a file that is still open
/// for writing (writes alone do not report a change: the close that follows does).
public struct DirectoryWatcher: Sendable {
    public let directory: String
    public let quiet: Duration
    public let maxDelay: Duration
    public let tracker: WriteTracker?

    public init(directory: String, quiet: Duration = .milliseconds(30), maxDelay: Duration = .milliseconds(100), tracker: WriteTracker? = nil) {
        self.directory = directory
        self.quiet = quiet
        self.maxDelay = maxDelay
        self.tracker = tracker
    }

    /// Starts watching on a dedicated thread (inotify is blocking I/O and must not occupy the
    /// concurrency pool). The stream yields once per settled burst; ending the consuming task
    /// (or dropping the stream) stops the thread and closes its descriptors.
    ///
    /// Throws if inotify or the wake pipe cannot be created (e.g. the per-user instance limit).
    public func changes() throws -> AsyncStream<Void> {
        let inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard inotify >= 0 else { throw WatcherError.system("inotify_init1", errno) }
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else {
            close(inotify)
            throw WatcherError.system("pipe", errno)
        }
        for fd in pipeFDs {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
        }
        let (wakeRead, wakeWrite) = (pipeFDs[0], pipeFDs[1])
        // Added here, not on the thread, so that every change after this call returns is seen.
        let watching = inotify_add_watch(inotify, directory, WatchLoop.mask) >= 0
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        continuation.onTermination = { _ in
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }
        let loop = WatchLoop(
            directory: directory, inotify: inotify, initiallyWatching: watching, wakeRead: wakeRead, wakeWrite: wakeWrite,
            tracker: tracker,
            quietMs: Self.millis(quiet), maxDelayMs: Self.millis(maxDelay), continuation: continuation)
        let thread = Thread { loop.run() }
        thread.name = "bosun-watch"
        thread.start()
        return stream
    }

    static func millis(_ d: Duration) -> Int64 {
        let (s, atto) = d.components
        return s * 1000 + atto / 1_000_000_000_000_000
    }
}

/// Why a watcher could not start.
public enum WatcherError: Error, CustomStringConvertible {
    case system(String, Int32)

    public var description: String {
        switch self {
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        }
    }
}

/// The blocking loop; owned by its thread alone.
private struct WatchLoop: Sendable {
    let directory: String
    let inotify: Int32
    let initiallyWatching: Bool
    let wakeRead: Int32
    let wakeWrite: Int32
    let tracker: WriteTracker?
    let quietMs: Int64
    let maxDelayMs: Int64
    let continuation: AsyncStream<Void>.Continuation

    static let mask = UInt32(IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE
        | IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB | IN_ONLYDIR)

    func run() {
        defer {
            close(inotify)
            close(wakeRead)
            close(wakeWrite)
        }
        var watching = initiallyWatching
        var firstAt: Int64? = nil
        var lastAt: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let now = Self.nowMs()
            var timeout: Int32 = -1
            if let first = firstAt {
                let due = min(lastAt + quietMs, first + maxDelayMs)
                if due <= now {
                    continuation.yield()
                    firstAt = nil
                    continue
                }
                timeout = Int32(due - now)
            }
            if !watching { timeout = timeout < 0 ? 250 : min(timeout, 250) }
            var fds = [pollfd(fd: inotify, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, timeout)
            if ready < 0 && errno != EINTR { return }
            if fds[1].revents != 0 { return }
            if !watching {
                watching = inotify_add_watch(inotify, directory, Self.mask) >= 0
                if watching { note(&firstAt, &lastAt) }
            }
            guard fds[0].revents != 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress!, $0.count) }
            guard n > 0 else { continue }
            var offset = 0
            while offset + 16 <= n {
                let (eventMask, nameLen) = buffer.withUnsafeBytes { raw in
                    (raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                     Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
                }
                let nameBytes = buffer[(offset + 16)..<(offset + 16 + nameLen)].prefix { $0 != 0 }
                let name = String(decoding: nameBytes, as: UTF8.self)
                offset += 16 + nameLen
                if eventMask & UInt32(IN_Q_OVERFLOW) != 0 {
                    note(&firstAt, &lastAt)
                } else if eventMask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED) != 0 {
                    // The directory went away: the watch is dead; re-add it when it returns.
                    watching = false
                    tracker?.reset()
                    note(&firstAt, &lastAt)
                } else if track(name: name, mask: eventMask), relevant(name: name, mask: eventMask) {
                    note(&firstAt, &lastAt)
                }
            }
        }
    }

    /// Records writes and closes; false for a bare write, which reports nothing by itself.
    private func track(name: String, mask: UInt32) -> Bool {
        guard !name.isEmpty, SpecRules.isSpecFileName(name) else { return true }
        if mask & UInt32(IN_MODIFY) != 0 {
            tracker?.modified(name)
            return false
        }
        if mask & UInt32(IN_CLOSE_WRITE | IN_MOVED_TO) != 0, let tracker {
            let print = try? SpecFileReader().fingerprint(directory + "/" + name).get()
            tracker.closed(name, print: print)
        }
        if mask & UInt32(IN_DELETE | IN_MOVED_FROM) != 0 { tracker?.removed(name) }
        return true
    }

    private func relevant(name: String, mask: UInt32) -> Bool {
        if name.isEmpty { return true }
        if SpecRules.isIgnoredFileName(name) || !(name.hasSuffix(".yaml") || name.hasSuffix(".yml")) { return false }
        if mask & UInt32(IN_CREATE) != 0 && mask & UInt32(IN_ISDIR) == 0 {
            // A new regular file is still being written; its close-write will report it. A new
            // symlink has no close-write, so it counts now.
            var st = stat()
            if lstat(directory + "/" + name, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG { return false }
        }
        return true
    }

    private func note(_ firstAt: inout Int64?, _ lastAt: inout Int64) {
        let now = Self.nowMs()
        if firstAt == nil { firstAt = now }
        lastAt = now
    }

    static func nowMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
