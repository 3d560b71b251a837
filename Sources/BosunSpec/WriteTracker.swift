import Synchronization

/// What inotify said last about each spec file name, so a scan can tell a file that was closed
/// or renamed into place (complete) from one that is still open for writing.
///
/// Shared between the watcher thread (which reports) and the ingester (which asks). Every report
/// bumps a sequence number, so a reader can check that nothing happened while it read a file.
public final class WriteTracker: Sendable {
    /// The last thing seen for a name.
    public enum State: Sendable, Hashable {
        /// Written to (`IN_MODIFY`) since it was last closed: a writer may still hold it open.
        case writing(seq: UInt64)
        /// Closed after writing (`IN_CLOSE_WRITE`) or renamed into place (`IN_MOVED_TO`), with
        /// what `stat` said right after: content that no longer matches it was written since.
        case closed(seq: UInt64, print: SpecFileReader.Fingerprint?)
    }

    private struct Table {
        var states: [String: State] = [:]
        var seq: UInt64 = 0
    }

    private let table = Mutex(Table())

    public init() {}

    /// The file was written to.
    public func modified(_ name: String) { set(name) { .writing(seq: $0) } }

    /// The file was closed after writing, or renamed into place; `print` is its `stat` then.
    public func closed(_ name: String, print: SpecFileReader.Fingerprint?) { set(name) { .closed(seq: $0, print: print) } }

    /// The name no longer exists (deleted or renamed away).
    public func removed(_ name: String) {
        table.withLock { t in
            t.seq += 1
            t.states[name] = nil
        }
    }

    /// The watch was lost (the directory was replaced): nothing is known any more.
    public func reset() {
        table.withLock { t in
            t.seq += 1
            t.states.removeAll()
        }
    }

    /// What is known of `name`, or nil when nothing was seen (no watcher, or no event since it
    /// started): the caller then falls back to the settle rule.
    public func state(_ name: String) -> State? { table.withLock { $0.states[name] } }

    private func set(_ name: String, _ make: (UInt64) -> State) {
        table.withLock { t in
            t.seq += 1
            t.states[name] = make(t.seq)
        }
    }
}
