import BosunModel
import BosunSpec
import Foundation
import GRDB

extension Store {
    /// Records the decisions of one ingestion pass in a single transaction and returns what
    /// changed. A rejected file whose errors are the same as last time records nothing new.
    public func record(_ decisions: [IngestDecision]) throws -> IngestReport {
        try write { db in
            var report = IngestReport()
            let at = now()
            for decision in decisions {
                switch decision {
                case .accept(let spec, let path, let generation, let why):
                    let canonical = spec.canonical
                    let previous = try String.fetchOne(
                        db.cachedStatement(sql: "SELECT lifecycle FROM clusters WHERE name = ?"), arguments: [spec.name])
                    try db.cachedStatement(sql: """
                            INSERT INTO clusters (name, provider, spec_json, spec_hash, generation, source_path,
                                                  deletion, lifecycle, phase, accepted_at, updated_at)
                            VALUES (:name, :provider, :json, :hash, :generation, :path, :deletion, 'active', 'pending', :at, :at)
                            ON CONFLICT(name) DO UPDATE SET
                                provider = excluded.provider, spec_json = excluded.spec_json,
                                spec_hash = excluded.spec_hash, generation = excluded.generation,
                                source_path = excluded.source_path, deletion = excluded.deletion,
                                lifecycle = 'active', deletion_requested_by = NULL,
                                missing_since = NULL, teardown_at = NULL,
                                phase = CASE WHEN clusters.spec_hash = excluded.spec_hash
                                             AND clusters.lifecycle IN ('active', 'pending-deletion', 'held')
                                             THEN clusters.phase ELSE 'pending' END,
                                accepted_at = excluded.accepted_at, updated_at = excluded.updated_at
                            """).execute(arguments: [
                            "name": spec.name, "provider": spec.provider.rawValue, "json": canonical.json,
                            "hash": canonical.hash, "generation": generation, "path": path,
                            "deletion": spec.deletion.rawValue, "at": at,
                        ])
                    try db.cachedStatement(sql: "DELETE FROM spec_file_errors WHERE path = ?").execute(arguments: [path])
                    if previous == "pending-deletion" || previous == "held" {
                        try insertEvent(
                            db, cluster: spec.name, instance: nil, kind: "deletion-cancelled",
                            message: "\(path) declares the cluster again; its deletion is cancelled")
                        report.restored.append(spec.name)
                    }
                    try insertEvent(
                        db, cluster: spec.name, instance: nil, kind: "spec-accepted",
                        message: "generation \(generation) accepted from \(path) (\(why))")
                    report.accepted.append((spec.name, generation))
                case .unchanged(let path):
                    let cleared = try Self.issues(db, path: path)
                    if !cleared.isEmpty {
                        try db.cachedStatement(sql: "DELETE FROM spec_file_errors WHERE path = ?").execute(arguments: [path])
                        let cluster = try String.fetchOne(
                            db.cachedStatement(sql: "SELECT name FROM clusters WHERE source_path = ? AND lifecycle = 'active'"),
                            arguments: [path])
                        try insertEvent(
                            db, cluster: cluster, instance: nil, kind: "spec-accepted",
                            message: "\(path) is valid again and matches the spec in effect (no change)")
                    }
                case .reject(let path, let cluster, let issues):
                    let old = try Self.issues(db, path: path)
                    if old == issues { continue }
                    try db.cachedStatement(sql: "DELETE FROM spec_file_errors WHERE path = ?").execute(arguments: [path])
                    for (seq, issue) in issues.enumerated() {
                        try db.cachedStatement(sql: """
                                INSERT INTO spec_file_errors (path, seq, cluster, line, column, field, message, at, file)
                                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                                """).execute(arguments: [path, seq, cluster, issue.line, issue.column, issue.path, issue.message, at,
                                        issue.file == path ? nil : issue.file])
                    }
                    let more = issues.count > 1 ? " (and \(issues.count - 1) more)" : ""
                    let kept = cluster.map { "; the last accepted spec of \($0) stays in effect" } ?? ""
                    try insertEvent(
                        db, cluster: cluster, instance: nil, kind: "spec-rejected",
                        message: "\(issues.first?.description ?? path)\(more)\(kept)")
                    report.rejected.append(path)
                case .release(let cluster, let path, let to):
                    try db.cachedStatement(sql: """
                            UPDATE clusters SET lifecycle = ?, phase = 'pending', updated_at = ?,
                                missing_since = NULL, teardown_at = NULL,
                                deletion_requested_by = CASE WHEN ? = 'deleting' THEN 'spec-removed' ELSE NULL END
                            WHERE name = ?
                            """).execute(arguments: [to.rawValue, at, to.rawValue, cluster])
                    let message = to == .orphaned
                        ? "\(path) no longer declares this cluster; deletion is 'protect', so it is orphaned and nothing is touched"
                        : "\(path) has been missing for the whole deletion grace; deletion is 'delete', so it is torn down now"
                    try insertEvent(db, cluster: cluster, instance: nil, kind: "cluster-\(to.rawValue)", message: message)
                    report.released.append((cluster, to.rawValue))
                case .startGrace(let cluster, let path, let since, let teardownAt):
                    try db.cachedStatement(sql: """
                            UPDATE clusters SET lifecycle = 'pending-deletion', missing_since = ?, teardown_at = ?, updated_at = ?
                            WHERE name = ? AND lifecycle = 'active'
                            """).execute(arguments: [since, teardownAt, at, cluster])
                    try insertEvent(
                        db, cluster: cluster, instance: nil, kind: "cluster-pending-deletion",
                        message: "\(path) is missing; deletion is 'delete', so the cluster is torn down after \(Self.databaseTime(teardownAt)) UTC unless the file returns")
                    report.pendingDeletion.append(cluster)
                case .hold(let cluster, let path, let since, let lost, let known):
                    try db.cachedStatement(sql: "UPDATE clusters SET lifecycle = 'held', missing_since = ?, updated_at = ? WHERE name = ? AND lifecycle = 'active'")
                        .execute(arguments: [since, at, cluster])
                    try insertEvent(
                        db, cluster: cluster, instance: nil, kind: "specs-mass-removal",
                        message: "\(path) vanished with \(lost) of \(known) spec files in one listing; the cluster is held: nothing is torn down until the file returns or `bosun delete \(cluster)`")
                    report.held.append(cluster)
                case .restore(let cluster, let path):
                    try db.cachedStatement(sql: """
                            UPDATE clusters SET lifecycle = 'active', missing_since = NULL, teardown_at = NULL, updated_at = ?
                            WHERE name = ? AND lifecycle IN ('pending-deletion', 'held')
                            """).execute(arguments: [at, cluster])
                    try insertEvent(
                        db, cluster: cluster, instance: nil, kind: "deletion-cancelled",
                        message: "\(path) is back; its deletion is cancelled and the last accepted spec stays in effect")
                    report.restored.append(cluster)
                case .forget(let path):
                    try db.cachedStatement(sql: "DELETE FROM spec_file_errors WHERE path = ?").execute(arguments: [path])
                }
            }
            return report
        }
    }

    /// A time as the database writes it (UTC, to the millisecond), e.g. for messages and for
    /// comparing with the text times in the views.
    public static func databaseTime(_ date: Date) -> String { StoredTime(date).text }
}
