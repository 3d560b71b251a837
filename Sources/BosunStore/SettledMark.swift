import BosunModel
import GRDB

/// What the last pass that found nothing to do (no action, nothing deferred, no finding) saw of
/// a cluster (`clusters.settled_*`, migration v0008). While the cluster's records revision is
/// still `revision` and an observation still fingerprints to `observation`, a plan would again
/// be empty: `bosun plan` can say "no changes" and a restarted `bosun run` can treat the cluster
/// as settled, without decoding the spec or planning.
public struct SettledMark: Sendable, Hashable {
    /// The records revision (`cluster_revisions`) the pass read.
    public var revision: Int64
    /// The observation's fingerprint (32 hex digits).
    public var observation: String
    /// Seconds of agent silence the fingerprint was judged with.
    public var agentTimeout: Double
    /// The load balancers the pass observed.
    public var loadBalancers: Set<String>

    public init(revision: Int64, observation: String, agentTimeout: Double, loadBalancers: Set<String>) {
        self.revision = revision
        self.observation = observation
        self.agentTimeout = agentTimeout
        self.loadBalancers = loadBalancers
    }
}

/// A cluster's settled mark, still valid: its records have not changed since.
public struct SettledCluster: Sendable {
    public var cluster: String
    public var provider: ProviderKind
    public var mark: SettledMark
}

extension Store {
    /// The clusters among `names` (every reconcilable one when nil) whose settled mark is still
    /// valid: their records revision is the one the mark was taken at, and they are not being
    /// torn down. One statement.
    public func settledClusters(_ names: Set<String>? = nil) throws -> [String: SettledCluster] {
        try pool.read { db in
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: """
                    SELECT c.name, c.provider, c.settled_revision, c.settled_observation, c.settled_agent_timeout, c.settled_load_balancers
                    FROM clusters c LEFT JOIN cluster_revisions r ON r.cluster = c.name
                    WHERE c.settled_revision = coalesce(r.revision, 0) AND c.settled_observation IS NOT NULL
                      AND c.lifecycle IN ('active', 'pending-deletion', 'held')
                    """))
            var out: [String: SettledCluster] = [:]
            while let row = try rows.next() {
                let name: String = row[0]
                if let names, !names.contains(name) { continue }
                guard let provider = ProviderKind(rawValue: row[1]) else { continue }
                let lbs: String = row[5] ?? ""
                out[name] = SettledCluster(
                    cluster: name, provider: provider,
                    mark: SettledMark(
                        revision: row[2], observation: row[3], agentTimeout: row[4],
                        loadBalancers: Set(lbs.split(separator: " ").map(String.init))))
            }
            return out
        }
    }

    /// Carries a settled mark over to `revision` when the records changed in nothing a pass
    /// reads (compared by the caller); no-op if the mark was replaced or forgotten meanwhile.
    public func moveSettledMark(cluster: String, from old: Int64, to new: Int64) throws {
        try write { db in
            try db.cachedStatement(sql: "UPDATE clusters SET settled_revision = ? WHERE name = ? AND settled_revision = ? AND settled_observation IS NOT NULL")
                .execute(arguments: [new, cluster, old])
        }
    }
}
