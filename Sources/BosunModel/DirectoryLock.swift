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
    /// Runs `body` holding the lock on `directory`. Where the directory cannot be locked (not
    /// readable, a file system without `flock`), `body` runs anyway: the databases' own retries
    /// still apply, the lock only removes the race.
    public static func withLock<T, E: Error>(_ directory: String, _ body: () throws(E) -> T) throws(E) -> T {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return try body() }
        defer { close(fd) }
        var locked = flock(fd, LOCK_EX) == 0
        while !locked && errno == EINTR { locked = flock(fd, LOCK_EX) == 0 }
        defer { if locked { flock(fd, LOCK_UN) } }
        return try body()
    }
}
