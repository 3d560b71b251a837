import BosunPlanner
import Foundation
import GRDB

extension Store {
    /// Records what one observation of `cluster` found: new findings are opened (event named
    /// after their kind, carrying the instance and what was seen), known ones get `last_seen`
    /// and their current state, and findings no longer seen are resolved (event
    /// `finding-resolved`). One transaction.
    ///
    /// - Parameter found: each finding with the state it is in now (healing when the plan acts
    ///   on it, suppressed during a meltdown or with healing disabled, else open).
    @discardableResult
    public func recordFindings(cluster: String, found: [(Finding, FindingState)]) throws -> FindingChanges {
        // Most passes find nothing and have nothing open: answered from a read, without a write.
        if found.isEmpty, try pool.read({ db in
            try !Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM finding_rows WHERE cluster = ? AND state <> 'resolved')"),
                arguments: [cluster])!
        }) {
            return FindingChanges()
        }
        return try write { db in
            var changes = FindingChanges()
            let at = now()
            let current = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT id, kind, resource, instance FROM finding_rows WHERE cluster = ? AND state <> 'resolved'"),
                arguments: [cluster])
            var open: [String: (id: Int64, instance: String?)] = [:]
            for row in current { open["\(row["kind"] as String)\u{0}\(row["resource"] as String)"] = (row["id"], row["instance"]) }
            var seen: Set<String> = []
            for (finding, state) in found {
                let key = "\(finding.kind.rawValue)\u{0}\(finding.resource)"
                guard seen.insert(key).inserted else { continue }
                if let existing = open[key] {
                    try Self.run(db, "UPDATE finding_rows SET last_seen = ?, state = ?, detail = ? WHERE id = ?",
                                 [at, state.rawValue, finding.message, existing.id])
                } else {
                    try Self.run(db, """
                        INSERT INTO finding_rows (cluster, instance, kind, resource, detail, first_seen, last_seen, state)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """, [cluster, finding.instance, finding.kind.rawValue, finding.resource, finding.message, at, at, state.rawValue])
                    try insertEvent(db, cluster: cluster, instance: finding.instance, kind: finding.kind.rawValue, message: finding.message)
                    changes.opened += 1
                }
            }
            for (key, row) in open where !seen.contains(key) {
                let kind = String(key.split(separator: "\u{0}", maxSplits: 1).first ?? "")
                let resource = String(key.split(separator: "\u{0}", maxSplits: 1).last ?? "")
                try Self.run(db, "UPDATE finding_rows SET state = 'resolved', resolved_at = ? WHERE id = ?", [at, row.id])
                try insertEvent(db, cluster: cluster, instance: row.instance, kind: "finding-resolved",
                                message: "\(kind) \(resource) is no longer seen")
                changes.resolved += 1
            }
            return changes
        }
    }

    /// Findings of one cluster (or all), current ones first, newest first; resolved ones only
    /// when asked.
    public func findings(cluster: String? = nil, includeResolved: Bool = false) throws -> [FindingRow] {
        try pool.read { db in
            try FindingRow.fetchAll(db.cachedStatement(sql: """
                    SELECT * FROM findings WHERE (? IS NULL OR cluster = ?) AND (? OR state <> 'resolved')
                    ORDER BY state = 'resolved', cluster, first_seen DESC, id DESC
                    """),
                arguments: [cluster, cluster, includeResolved])
        }
    }

    /// `bosun heal resume`: the next pass of `cluster` heals once despite a meltdown.
    public func requestHealOverride(cluster: String) throws {
        try write { db in
            try db.cachedStatement(sql: "UPDATE clusters SET heal_override = 1, updated_at = ? WHERE name = ?")
                .execute(arguments: [now(), cluster])
            guard db.changesCount == 1 else { throw StoreError.notFound("cluster '\(cluster)'") }
            try insertEvent(db, cluster: cluster, instance: nil, kind: "heal-resumed",
                            message: "an operator resumed healing (bosun heal resume): the next pass heals despite the meltdown")
        }
    }

    /// Whether an operator asked to heal despite a meltdown (the request stays).
    public func healOverrideRequested(cluster: String) throws -> Bool {
        try pool.read { db in
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT heal_override = 1 FROM clusters WHERE name = ?"), arguments: [cluster]) ?? false
        }
    }

    /// Whether an operator asked to heal despite a meltdown; the request is used up.
    public func takeHealOverride(cluster: String) throws -> Bool {
        try write { db in
            try db.cachedStatement(sql: "UPDATE clusters SET heal_override = 0 WHERE name = ? AND heal_override = 1")
                .execute(arguments: [cluster])
            return db.changesCount == 1
        }
    }

    /// Records entering (event `meltdown`, `meltdown_since` set) or leaving (event
    /// `meltdown-over`) a meltdown; the phase itself is written by `finishPass`. Returns whether
    /// anything changed.
    @discardableResult
    public func recordMeltdown(cluster: String, active: Bool, message: String) throws -> Bool {
        // Nearly every pass finds no change: answer that from a read, without a write transaction.
        let current = try pool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT meltdown_since FROM clusters WHERE name = ?"), arguments: [cluster])
        }
        guard let current, ((current["meltdown_since"] as String?) != nil) != active else { return false }
        return try write { db in
            let since = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT meltdown_since FROM clusters WHERE name = ?"), arguments: [cluster])
            guard let since else { return false }
            let inMeltdown = (since["meltdown_since"] as String?) != nil
            guard inMeltdown != active else { return false }
            try db.cachedStatement(sql: "UPDATE clusters SET meltdown_since = ?, updated_at = ? WHERE name = ?")
                .execute(arguments: [active ? now() : nil, now(), cluster])
            try insertEvent(db, cluster: cluster, instance: nil, kind: active ? "meltdown" : "meltdown-over", message: message)
            return true
        }
    }
}
