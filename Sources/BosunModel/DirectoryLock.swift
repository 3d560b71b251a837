#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock(2)` on a directory, held while a database file in it is created,
/// inspected and migrated. Without it, a process opening a fresh file can look at it while
/// another is half-way through creating its schema (only the migrations table exists yet) and
/// refuse it as a foreign database. Locking the directory rather than a lock file leaves
/// nothing behind; `flock` locks are independent of SQLite's POSIX locks, and the kernel
/// releases them when a holder dies.
public enum DirectoryLock {
    /// Runs `body` holding the lock on `directory`, waiting at most `timeout` seconds for it.
    /// Where the directory cannot be locked (not readable, a file system without `flock`, a
    /// holder stuck for longer than `timeout`), `body` runs anyway: the databases' own retries
    /// still apply, the lock only removes the race.
    public static func withLock<T, E: Error>(
        _ directory: String, timeout: Double = 30, _ body: () throws(E) -> T
    ) throws(E) -> T {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return try body() }
        defer { close(fd) }
        let locked = acquire(fd, timeout: timeout)
        defer { if locked { flock(fd, LOCK_UN) } }
        return try body()
    }

    /// Polls rather than blocks, so a stopped holder (SIGSTOP, a debugger) delays others by
    /// `timeout` at most; creating and migrating takes milliseconds.
    private static func acquire(_ fd: Int32, timeout: Double) -> Bool {
        var waited = 0.0
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return true }
            guard errno == EWOULDBLOCK || errno == EINTR, waited < timeout else { return false }
            usleep(2_000)
            waited += 0.002
        }
    }
}
