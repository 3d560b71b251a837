import Dispatch
import GRDB
import GRDBSQLite
import Synchronization

/// Checkpoints a WAL database from a connection and a thread of its own. SQLite's automatic
/// checkpoint runs on the committing connection, right after a commit: with one writer, every
/// write waits behind it, including its `fdatasync`s (~2 s of an apply's ~17 s of writing at
/// 1,000 clusters). A passive checkpoint from another connection takes no write lock, so the
/// writer goes on while the WAL is copied back.
///
/// `install(on:)` replaces the writer's automatic checkpoint with a hook that, after a commit,
/// asks for a checkpoint here each time the WAL has grown by `threshold` frames (SQLite's own
/// default). Under a steady stream of writes such a checkpoint never quite catches up with the
/// writer, and the WAL only starts over once one has: so when it has grown by `inlineEvery`
/// frames since the writer last did so, the writer checkpoints itself, as SQLite would, and
/// finds most of the work already done.
final class WALCheckpointer: Sendable {
    static let threshold = 1000
    static let inlineEvery = 4 * threshold

    private let path: String
    private let queue = DispatchQueue(label: "bosun.wal-checkpoint")
    /// The WAL's frame count at the last commit, at the last ask, at the writer's last own
    /// checkpoint. Only the writer's hook touches them (one connection, one commit at a time).
    private let seen = Atomic<Int>(0)
    private let askedAt = Atomic<Int>(0)
    private let inlineAt = Atomic<Int>(0)
    /// An ask not yet begun: asks in between coalesce into it.
    private let pending = Atomic<Bool>(false)
    private let state = Mutex<(connection: DatabaseQueue?, closed: Bool)>((nil, false))
    private let runs = Atomic<Int>(0)
    private let inlineRuns = Atomic<Int>(0)

    init(path: String) { self.path = path }

    /// Checkpoints run here, and by the writer itself (for tests and figures).
    var checkpoints: (background: Int, writer: Int) { (runs.load(ordering: .relaxed), inlineRuns.load(ordering: .relaxed)) }

    /// Hooks `db` (the writer connection): after each commit SQLite reports the WAL's size.
    func install(on db: Database) {
        // Unretained: the store that owns this outlives its writer's commits.
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_wal_hook(db.sqliteConnection, { context, connection, _, frames in
            guard let context else { return SQLITE_OK }
            Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().committed(connection, frames: Int(frames))
            return SQLITE_OK
        }, context)
    }

    /// Removes the hook before the writer's last checkpoint and close.
    func uninstall(from db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, nil, nil)
    }

    private func committed(_ connection: OpaquePointer?, frames: Int) {
        if frames < seen.load(ordering: .relaxed) {
            // The WAL started over from its beginning.
            askedAt.store(0, ordering: .relaxed)
            inlineAt.store(0, ordering: .relaxed)
        }
        seen.store(frames, ordering: .relaxed)
        if frames >= inlineAt.load(ordering: .relaxed) + Self.inlineEvery {
            inlineAt.store(frames, ordering: .relaxed)
            askedAt.store(frames, ordering: .relaxed)
            // What SQLite's automatic checkpoint does in this hook; a failure (a busy reader)
            // only leaves the WAL longer, as it would there.
            _ = sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            inlineRuns.add(1, ordering: .relaxed)
        } else if frames >= askedAt.load(ordering: .relaxed) + Self.threshold {
            askedAt.store(frames, ordering: .relaxed)
            if pending.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
                queue.async { self.checkpoint() }
            }
        }
    }

    private func checkpoint() {
        pending.store(false, ordering: .releasing)
        let connection: DatabaseQueue? = state.withLock { s in
            if s.closed { return nil }
            if s.connection == nil {
                var config = Configuration()
                config.label = "bosun-checkpoint"
                s.connection = try? DatabaseQueue(path: path, configuration: config)
            }
            return s.connection
        }
        // Passive: copies what no reader still needs and never waits; what is left goes next time.
        if let connection, (try? connection.writeWithoutTransaction({ try $0.checkpoint(.passive) })) != nil {
            runs.add(1, ordering: .relaxed)
        }
    }

    /// Waits for a running checkpoint and closes the connection; later asks are ignored.
    func close() {
        queue.sync {
            let connection = state.withLock { s in
                s.closed = true
                defer { s.connection = nil }
                return s.connection
            }
            try? connection?.close()
        }
    }
}
