import BosunModel
import BosunPlanner
import BosunProvider
import Foundation
import GRDB

extension Store {
    /// Writes every action of `plan` as `pending` in one transaction, with idempotency keys
    /// `planID/step`, and marks the cluster's pass as executing it (phase `reconciling`);
    /// returns the journal ids in plan order.
    public func journal(plan: Plan, planID: String) throws -> [Int64] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoded before the transaction: the write lock is the executor's bottleneck, so
        // nothing that can run without it runs inside.
        let details = try plan.actions.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        let instances = plan.instances
        let message = "plan \(planID): \(counted(plan.actions.count, "action")) for \(counted(instances.count, "instance"))"
            + Self.why(plan, instances)
        return try write { db in
            let at = now()
            var ids: [Int64] = []
            ids.reserveCapacity(plan.actions.count)
            let statement = try db.cachedStatement(sql: """
                INSERT INTO actions (cluster, instance_id, plan_id, kind, idempotency_key, state, reason, detail, created_at, step, canary)
                VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)
                """)
            for (action, detail) in zip(plan.actions, details) {
                try statement.execute(arguments: [
                    plan.cluster, action.instance, planID, action.kind.name, "\(planID)/\(action.id)", action.reason, detail, at,
                    action.id, action.canary,
                ])
                ids.append(db.lastInsertedRowID)
            }
            try insertEvent(
                db, cluster: plan.cluster, instance: instances.count == 1 ? instances[0] : nil, kind: "plan-started", message: message)
            try db.cachedStatement(sql: "UPDATE clusters SET phase = 'reconciling', updated_at = ? WHERE name = ?")
                .execute(arguments: [at, plan.cluster])
            return ids
        }
    }

    /// ": INSTANCE (REASON), …" for the first three instances of a plan, with the reason of each
    /// one's first action, so that an event says what a pass is about without SQL.
    static func why(_ plan: Plan, _ instances: [String]) -> String {
        guard !instances.isEmpty else { return "" }
        var firstReason: [String: String] = [:]
        for action in plan.actions {
            if let instance = action.instance, firstReason[instance] == nil { firstReason[instance] = action.reason }
        }
        let shown = instances.prefix(3).map { instance in
            firstReason[instance].map { $0.isEmpty ? instance : "\(instance) (\($0))" } ?? instance
        }
        let more = instances.count > 3 ? ", and \(instances.count - 3) more" : ""
        return ": " + shown.joined(separator: ", ") + more
    }

    /// Marks an action running for `owner`; returns the attempt number.
    public func markRunning(_ id: Int64, owner: String) throws -> Int {
        try write { db in try Self.running(db, id, owner: owner, instance: nil, at: now()).attempt }
    }

    /// Marks an action succeeded and applies its effect, atomically.
    public func markSucceeded(_ id: Int64, effect: ActionEffect) throws {
        try write { db in try succeeded(db, id, effect: effect) }
    }

    /// Marks an action failed for good, with an event.
    public func markFailed(_ id: Int64, error: String) throws {
        try write { db in try failed(db, id, error: error) }
    }

    // MARK: - The executor's attempts, group-committed

    /// `markRunning`, and in the same transaction the VM and disk `instance` has now (an attempt
    /// resolves "the instance's VM" from the records as they are when it starts). Returns once
    /// committed: only then may the provider be called.
    /// `reading`: which of them the action uses (each read is a statement on the writer).
    public func startAttempt(
        _ id: Int64, owner: String, instance: String?, reading: InstanceReads = [.vm, .disk]
    ) async throws -> (attempt: Int, vm: String?, disk: String?) {
        let at = now()
        return try await groupCommit.write { db in try Self.running(db, id, owner: owner, instance: instance, reading: reading, at: at) }
    }

    /// `markSucceeded`, group-committed.
    public func succeedAttempt(_ id: Int64, effect: ActionEffect) async throws {
        try await groupCommit.write { db in try self.succeeded(db, id, effect: effect) }
    }

    /// `succeedAttempt`, and in the same transaction `startAttempt` of `next` (a step this one's
    /// success makes ready): one write instead of two between an instance's steps.
    public func succeedAttempt(
        _ id: Int64, effect: ActionEffect, thenStart next: Int64, owner: String, instance: String?, reading: InstanceReads = [.vm, .disk]
    ) async throws -> (attempt: Int, vm: String?, disk: String?) {
        return try await groupCommit.write { db in
            // One time for both: the journal must never show the next step starting before
            // this one finished.
            let at = self.now()
            try self.succeeded(db, id, effect: effect, at: at)
            return try Self.running(db, next, owner: owner, instance: instance, reading: reading, at: at)
        }
    }

    /// Notes a retryable failure and when the next attempt is due, group-committed.
    public func retryAttempt(_ id: Int64, error: String, after delay: Duration) async throws {
        let due = due(after: delay)
        try await groupCommit.write { db in try Self.retry(db, id, error: error, due: due) }
    }

    /// `markFailed`, group-committed.
    public func failAttempt(_ id: Int64, error: String) async throws {
        try await groupCommit.write { db in try self.failed(db, id, error: error) }
    }

    private func due(after delay: Duration) -> StoredTime {
        now().addingTimeInterval(Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
    }

    private static func running(
        _ db: Database, _ id: Int64, owner: String, instance: String?, reading: InstanceReads = [], at: StoredTime
    ) throws -> (attempt: Int, vm: String?, disk: String?) {
        // Not `RETURNING`: SQLite gathers a returned row in a temporary b-tree that it opens and
        // closes on every run, on the writer's thread; a lookup by rowid after the update
        // costs less.
        try db.cachedStatement(sql: """
            UPDATE actions SET state = 'running', owner = ?, attempts = attempts + 1,
                started_at = coalesce(started_at, ?), next_attempt_at = NULL
            WHERE id = ?
            """).execute(arguments: [owner, at, id])
        let attempt = try Int.fetchOne(db.cachedStatement(sql: "SELECT attempts FROM actions WHERE id = ?"), arguments: [id]) ?? 1
        guard let instance else { return (attempt, nil, nil) }
        let vm = reading.contains(.vm) ? try instanceVM(db, instance) : nil
        let disk = reading.contains(.disk) ? try instanceDisk(db, instance) : nil
        return (attempt, vm, disk)
    }

    private static func retry(_ db: Database, _ id: Int64, error: String, due: StoredTime) throws {
        try db.cachedStatement(sql: "UPDATE actions SET last_error = ?, next_attempt_at = ? WHERE id = ?")
            .execute(arguments: [error, due, id])
    }

    private func succeeded(_ db: Database, _ id: Int64, effect: ActionEffect, at: StoredTime? = nil) throws {
        try apply(effect, db)
        try db.cachedStatement(sql: "UPDATE actions SET state = 'succeeded', finished_at = ?, next_attempt_at = NULL WHERE id = ?")
            .execute(arguments: [at ?? now(), id])
    }

    private func failed(_ db: Database, _ id: Int64, error: String) throws {
        try db.cachedStatement(sql: "UPDATE actions SET state = 'failed', last_error = ?, finished_at = ?, next_attempt_at = NULL WHERE id = ?")
            .execute(arguments: [error, now(), id])
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT cluster, instance_id, kind, attempts FROM actions WHERE id = ?"), arguments: [id])
        {
            try insertEvent(
                db, cluster: row["cluster"], instance: row["instance_id"], kind: "action-failed",
                message: "\(row["kind"] as String) failed after \(counted(row["attempts"] as Int, "attempt")): \(error)")
        }
    }

    /// Puts actions back to `pending` (graceful shutdown) or cancels them (superseded, or
    /// their prerequisite failed).
    public func settle(_ ids: [Int64], state: String, note: String?) throws {
        guard !ids.isEmpty else { return }
        try write { db in
            let statement = try db.cachedStatement(sql: """
                UPDATE actions SET state = ?, last_error = coalesce(?, last_error),
                    finished_at = CASE WHEN ? = 'cancelled' THEN ? ELSE finished_at END
                WHERE id = ? AND state IN ('pending', 'running')
                """)
            for id in ids { try statement.execute(arguments: [state, note, state, now(), id]) }
        }
    }

    /// Unfinished actions of a cluster (left by a crash or a parked shutdown), oldest first.
    public func unfinishedActions(cluster: String) throws -> [JournalEntry] {
        try pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT id, cluster, instance_id, kind, idempotency_key, state, attempts, owner, detail
                    FROM actions WHERE cluster = ? AND state IN ('pending', 'running') ORDER BY id
                    """),
                arguments: [cluster]
            ).map {
                JournalEntry(id: $0["id"], cluster: $0["cluster"], instance: $0["instance_id"], kind: $0["kind"],
                             key: $0["idempotency_key"], state: $0["state"], attempts: $0["attempts"], owner: $0["owner"],
                             detail: $0["detail"])
            }
        }
    }

    /// Counts of actions by state (for summaries and benchmarks).
    public func actionCounts(cluster: String? = nil) throws -> [String: Int] {
        try pool.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT state, count(*) AS n FROM actions WHERE (? IS NULL OR cluster = ?) GROUP BY state"),
                arguments: [cluster, cluster])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["state"] as String, $0["n"] as Int) })
        }
    }

    private func apply(_ effect: ActionEffect, _ db: Database) throws {
        let at = now()
        switch effect {
        case .none:
            break
        case .vmCreated(let instance, let cluster, let group, let index, let az, let vm):
            try Self.run(db, """
                    INSERT INTO instances (id, cluster, group_name, idx, az, vm_id, state, health, applied_hash, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'unknown', NULL, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET vm_id = excluded.vm_id, az = excluded.az, state = excluded.state,
                        health = 'unknown', applied_hash = NULL, heal_restarts = 0, updated_at = excluded.updated_at
                    """,
                [instance, cluster, group, index, az, vm.id, vm.state == .running ? "running" : "creating", at, at])
        case .vmDeleted(let vmID):
            try Self.run(db, "UPDATE instances SET vm_id = NULL, state = 'missing', health = 'unknown', updated_at = ? WHERE vm_id = ?",
                [at, vmID])
            try Self.run(db, "DELETE FROM lb_members WHERE vm_id = ?", [vmID])
            try Self.run(db, "UPDATE disks SET state = 'detached', updated_at = ? WHERE state = 'attached' AND instance_id IN (SELECT id FROM instances WHERE vm_id IS NULL)",
                [at])
        case .diskCreated(let disk):
            try Self.run(db, """
                    INSERT INTO disks (id, cluster, instance_id, size_mib, type, state, created_at, updated_at)
                    VALUES (?, ?, (SELECT id FROM instances WHERE id = ?), ?, ?, 'detached', ?, ?)
                    ON CONFLICT(id) DO NOTHING
                    """,
                [disk.id, disk.cluster, disk.instanceID, disk.sizeMiB, disk.type, at, at])
        case .diskAttached(let diskID, let instance):
            let orphan = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT cluster, orphaned_at FROM disks WHERE id = ? AND state = 'orphaned'"),
                arguments: [diskID])
            try Self.run(db, "UPDATE disks SET state = 'attached', instance_id = ?, orphaned_at = NULL, updated_at = ? WHERE id = ?",
                [instance, at, diskID])
            if let orphan {
                try insertEvent(
                    db, cluster: orphan["cluster"], instance: instance, kind: "disk-readopted",
                    message: "orphaned disk \(diskID) (orphaned at \(orphan["orphaned_at"] as String? ?? "?")) re-attached to \(instance), its own instance")
            }
        case .diskDetached(let diskID):
            try Self.run(db, "UPDATE disks SET state = 'detached', updated_at = ? WHERE id = ? AND state = 'attached'", [at, diskID])
        case .diskResized(let diskID, let size):
            try Self.run(db, "UPDATE disks SET size_mib = ?, updated_at = ? WHERE id = ?", [size, at, diskID])
        case .diskOrphaned(let diskID, let cluster, let size, let type):
            try Self.run(db, """
                    INSERT INTO disks (id, cluster, instance_id, size_mib, type, state, created_at, orphaned_at, updated_at)
                    VALUES (?, ?, NULL, ?, ?, 'orphaned', ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET state = 'orphaned', orphaned_at = excluded.orphaned_at, updated_at = excluded.updated_at
                    """,
                [diskID, cluster, size, type, at, at, at])
            try insertEvent(db, cluster: cluster, instance: nil, kind: "disk-orphaned",
                            message: "disk \(diskID) (\(size) MiB) kept as an orphan; delete it with `bosun disks delete \(diskID)`")
        case .jobsApplied(let instance, let hash):
            try Self.run(db, "UPDATE instances SET applied_hash = ?, updated_at = ? WHERE id = ?", [hash, at, instance])
        case .jobsRestarted(let instance, let hash):
            try Self.run(db, "UPDATE instances SET applied_hash = ?, heal_restarts = heal_restarts + 1, updated_at = ? WHERE id = ?",
                [hash, at, instance])
        case .jobsStopped(let instance):
            try Self.run(db, "UPDATE instances SET health = 'unhealthy', updated_at = ? WHERE id = ?", [at, instance])
        case .healthy(let instance):
            try Self.run(db, "UPDATE instances SET health = 'healthy', state = 'running', heal_restarts = 0, updated_at = ? WHERE id = ?",
                [at, instance])
        case .registered(let lb, let instance, let vmID):
            try Self.run(db, "INSERT INTO lb_members (lb, instance_id, vm_id, registered_at) VALUES (?, ?, ?, ?) ON CONFLICT(lb, instance_id) DO UPDATE SET vm_id = excluded.vm_id",
                [lb, instance, vmID, at])
        case .deregistered(let lb, let vmID):
            try Self.run(db, "DELETE FROM lb_members WHERE lb = ? AND vm_id = ?", [lb, vmID])
        case .instanceReleased(let instance):
            try Self.run(db, "DELETE FROM instances WHERE id = ?", [instance])
        }
    }
}

extension Store {
    /// Executes a hot-path statement through SQLite's prepared-statement cache.
    static func run(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
