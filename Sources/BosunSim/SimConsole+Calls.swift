import BosunProvider

/// The provider call counters (`bosun sim calls`).
extension SimConsole {
    /// Calls per operation since the counters were last reset, summed over every process that
    /// has written its counts (each does at least once a second of its clock while it makes
    /// calls, and when it closes); this process's own counts are written first, so all of them
    /// are included. With `reset`, the counters go back to zero in the same transaction, so a
    /// benchmark can read a sweep's calls and start the next one without losing any.
    public func calls(reset: Bool = false) async throws(ProviderError) -> [SimCallCount] {
        let batch = cloud.calls.drain()
        do {
            return try await cloud.administer { db, _ in
                try CallTable.add(db, batch)
                let counts = try CallTable.all(db)
                if reset { try CallTable.reset(db) }
                return counts
            }
        } catch {
            cloud.calls.restore(batch)
            throw error
        }
    }

    /// Sets every counter to zero, this process's unwritten counts included. Counts other
    /// processes have not written yet (at most a second's worth each) still arrive afterwards.
    public func resetCalls() async throws(ProviderError) {
        _ = try await calls(reset: true)
    }
}
