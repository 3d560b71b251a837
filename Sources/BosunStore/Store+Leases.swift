import Foundation
import GRDB

/// Who holds a cluster's lease.
public struct LeaseHolder: Sendable, Hashable {
    public var holder: String
    public var expiresAt: Date
}

extension Store {
    /// Takes the cluster's lease for `holder` if it is free, expired, already `holder`'s, or
    /// held by a process `isDead` says is gone. Returns nil on success, or the current holder.
    public func acquireLease(
        cluster: String, holder: String, ttl: TimeInterval, isDead: (String) -> Bool = { _ in false }
    ) throws -> LeaseHolder? {
        try write { db in
            let at = now()
            if let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT holder, expires_at FROM leases WHERE cluster = ?"), arguments: [cluster]) {
                let current: String = row["holder"]
                let expires: Date = row["expires_at"]
                let dead = current != holder && expires > at.date && isDead(current)
                if current != holder && expires > at.date && !dead { return LeaseHolder(holder: current, expiresAt: expires) }
                if current != holder {
                    let why = dead ? "its process is gone" : "it expired at \(expires)"
                    try insertEvent(db, cluster: cluster, instance: nil, kind: "lease-takeover",
                                    message: "lease of \(current) taken over by \(holder): \(why)")
                }
            }
            try db.cachedStatement(sql: """
                    INSERT INTO leases (cluster, holder, acquired_at, renewed_at, expires_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(cluster) DO UPDATE SET holder = excluded.holder,
                        acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END,
                        renewed_at = excluded.renewed_at, expires_at = excluded.expires_at
                    """).execute(
                arguments: [cluster, holder, at, at, at.addingTimeInterval(ttl)])
            return nil
        }
    }

    /// Extends `holder`'s lease; false if it is no longer `holder`'s.
    public func renewLease(cluster: String, holder: String, ttl: TimeInterval) throws -> Bool {
        try write { db in
            try db.cachedStatement(sql: "UPDATE leases SET renewed_at = ?, expires_at = ? WHERE cluster = ? AND holder = ?")
                .execute(arguments: [now(), now().addingTimeInterval(ttl), cluster, holder])
            return db.changesCount == 1
        }
    }

    /// Gives the lease up (only if `holder` has it).
    public func releaseLease(cluster: String, holder: String) throws {
        try write { db in
            try db.cachedStatement(sql: "DELETE FROM leases WHERE cluster = ? AND holder = ?")
                .execute(arguments: [cluster, holder])
        }
    }
}
