import BosunCredentials
import BosunModel
import BosunPlanner
import BosunSpec
import Foundation
import GRDB

/// Credential rotation (`docs/credentials.md`, *Rotation*): starting one, and moving it to its
/// next phase once the current one has rolled out everywhere.
extension Store {
    /// The rotation in flight for `cluster`, if any.
    public func rotationInFlight(cluster: String) throws -> RotationRow? {
        try pool.read { db in
            try RotationRow.fetchOne(db, sql: "SELECT * FROM rotations WHERE cluster = ? AND in_flight", arguments: [cluster])
        }
    }

    /// Rotations of one cluster (or all), newest first.
    public func rotations(cluster: String? = nil) throws -> [RotationRow] {
        try pool.read { db in
            if let cluster {
                return try RotationRow.fetchAll(db, sql: "SELECT * FROM rotations WHERE cluster = ? ORDER BY started_at DESC", arguments: [cluster])
            }
            return try RotationRow.fetchAll(db, sql: "SELECT * FROM rotations ORDER BY started_at DESC")
        }
    }

    /// Starts rotating `name`: a new version (a CA's is transitional: phase 1 of 3) and a
    /// rotation row, in one transaction. If a rotation of `name` is already in flight it is
    /// returned with `resumed` true and nothing changes. Throws `CredentialError` when the
    /// cluster does not declare `name`, another credential's rotation is in flight, the CA
    /// signs another CA, or the key is wrong; nothing is written then.
    public func startRotation(
        cluster: String, name: String, key: CredentialKey, trigger: String = "operator",
        generator: CredentialGenerator = CredentialGenerator()
    ) throws -> (rotation: RotationRow, resumed: Bool) {
        if let flying = try rotationInFlight(cluster: cluster) {
            guard flying.name == name else {
                throw CredentialError("\(cluster): the rotation of \(flying.name) is in flight (\(flying.status)); one rotation at a time")
            }
            return (flying, true)
        }
        guard let spec = try desiredSpec(cluster) else { throw CredentialError("no cluster named \(cluster)") }
        guard let variable = spec.variables?.first(where: { $0.name == name }) else {
            throw CredentialError("\(cluster) declares no credential named \(name)")
        }
        let set = try openCredentialSet(cluster: cluster, key: key)
        guard let old = set.active(name) else {
            throw CredentialError("\(cluster): \(name) has not been generated yet (apply the cluster first)")
        }
        let isCA = variable.certificate?.isCA == true
        if isCA, let child = spec.variables?.first(where: { $0.name != name && $0.certificate?.ca == name && $0.certificate?.isCA == true }) {
            throw CredentialError("\(cluster): \(name) signs the CA \(child.name); rotating a CA with intermediate CAs under it is not supported")
        }
        let signerName = variable.certificate?.ca.flatMap { $0 == name ? nil : $0 }
        let signer = try signerName.map { try generated(set, $0) }
        let fresh = try generator.generate(variable, signer: signer)
        let version = (set.versions(name).map(\.version).max() ?? 0) + 1
        let sealed = try SealedSecret.seal(fresh.secret, cluster: cluster, name: name, version: version, key: key)
        let at = now().text
        let message = isCA
            ? "rotating CA \(name) v\(old.version) → v\(version): phase 1 of 3, the new CA joins every trust bundle"
            : "rotating \(name) v\(old.version) → v\(version): rolling out the new version"
        try write { db in
            try insertVersion(db, cluster: cluster, credential: fresh, version: version, transitional: isCA, sealed: sealed, spec: spec, at: at)
            try db.execute(
                sql: """
                    INSERT INTO credential_rotations (cluster, name, kind, phase, from_version, to_version, trigger, started_at, phase_started_at)
                    VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?)
                    """,
                arguments: [cluster, name, isCA ? "ca" : "leaf", old.version, version, trigger, at, at])
            try insertEvent(db, cluster: cluster, instance: nil, kind: "rotation-started", message: message)
        }
        guard let row = try rotationInFlight(cluster: cluster) else { throw CredentialError("\(cluster): the rotation vanished") }
        return (row, false)
    }

    /// Moves `cluster`'s rotation on when its current phase has rolled out: the cluster's last
    /// pass converged cleanly after the phase began, and every desired instance runs the
    /// configuration of the current credential versions. Returns what it did (an operator's
    /// sentence), or nil when nothing is in flight or the phase is still rolling out. Throws
    /// `CredentialError` (key, generation) or a database error; nothing is written then.
    @discardableResult
    public func advanceRotation(cluster: String, key: CredentialKey, generator: CredentialGenerator = CredentialGenerator()) throws -> String? {
        guard let rotation = try rotationInFlight(cluster: cluster), try rolledOut(cluster: cluster, since: rotation.phaseStartedAt) else { return nil }
        let at = now().text
        let name = rotation.name
        if rotation.kind == "leaf" || rotation.phase == 3 {
            let message = rotation.kind == "leaf"
                ? "rotated \(name) v\(rotation.fromVersion) → v\(rotation.toVersion): every instance runs the new version"
                : "rotated CA \(name) v\(rotation.fromVersion) → v\(rotation.toVersion): phase 3 of 3 done, only the new CA is trusted"
            try write { db in
                try db.execute(sql: "UPDATE credential_rotations SET finished_at = ? WHERE cluster = ? AND finished_at IS NULL", arguments: [at, cluster])
                try insertEvent(db, cluster: cluster, instance: nil, kind: "rotation-finished", message: message)
            }
            return message
        }
        guard let spec = try desiredSpec(cluster) else { return nil }
        if rotation.phase == 1 {
            // Phase 2: the new CA signs; the old one stays trusted; every certificate it signs is re-issued.
            var set = try openCredentialSet(cluster: cluster, key: key)
            set = set.with(name, version: rotation.toVersion, transitional: false).with(name, version: rotation.fromVersion, transitional: true)
            let signer = try generated(set, name)
            var issued: [(GeneratedCredential, Int, SealedSecret)] = []
            for variable in spec.variables ?? [] where variable.certificate?.ca == name && variable.name != name {
                guard set.active(variable.name) != nil else { continue }  // not generated yet: made by the new CA when it is
                let credential = try generator.generate(variable, signer: signer)
                let version = (set.versions(variable.name).map(\.version).max() ?? 0) + 1
                issued.append((credential, version, try SealedSecret.seal(credential.secret, cluster: cluster, name: variable.name, version: version, key: key)))
            }
            let message = "rotating CA \(name): phase 2 of 3, v\(rotation.toVersion) signs; \(issued.count) certificate(s) re-issued (\(issued.map(\.0.name).joined(separator: ", ")))"
            try write { db in
                try setTransitional(db, cluster: cluster, name: name, version: rotation.toVersion, false)
                try setTransitional(db, cluster: cluster, name: name, version: rotation.fromVersion, true)
                for (credential, version, sealed) in issued {
                    try insertVersion(db, cluster: cluster, credential: credential, version: version, transitional: false, sealed: sealed, spec: spec, at: at)
                }
                try db.execute(sql: "UPDATE credential_rotations SET phase = 2, phase_started_at = ? WHERE cluster = ? AND finished_at IS NULL", arguments: [at, cluster])
                try insertEvent(db, cluster: cluster, instance: nil, kind: "rotation-phase", message: message)
            }
            return message
        }
        // Phase 3: the old CA leaves the bundles.
        let message = "rotating CA \(name): phase 3 of 3, v\(rotation.fromVersion) leaves every trust bundle"
        try write { db in
            try setTransitional(db, cluster: cluster, name: name, version: rotation.fromVersion, false)
            try db.execute(sql: "UPDATE credential_rotations SET phase = 3, phase_started_at = ? WHERE cluster = ? AND finished_at IS NULL", arguments: [at, cluster])
            try insertEvent(db, cluster: cluster, instance: nil, kind: "rotation-phase", message: message)
        }
        return message
    }

    /// Whether the current credential versions have rolled out: a clean converged pass finished
    /// at or after `since`, and every desired instance's applied hash is its group's hash now.
    func rolledOut(cluster: String, since: String) throws -> Bool {
        let clean = try pool.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT phase = 'converged' AND last_error IS NULL AND last_pass_at >= ? FROM clusters WHERE name = ?",
                arguments: [since, cluster]) ?? false
        }
        guard clean, let state = try clusterState(cluster) else { return false }
        let applied = Dictionary(state.recorded.instances.map { ($0.id, $0.appliedHash) }, uniquingKeysWith: { a, _ in a })
        for group in state.spec.groups {
            let hash = JobsConfig.hash(state.spec, group, credentials: state.recorded.credentialTokens)
            for index in 0..<group.instances where applied["\(cluster)/\(group.name)/\(index)"] != .some(hash) { return false }
        }
        return true
    }

    /// Active certificate versions of `cluster` whose `not_after` is before `before`.
    public func expiringCertificates(cluster: String, before: Date) throws -> [(name: String, version: Int, notAfter: String)] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: """
                    SELECT name, version, not_after FROM credentials
                    WHERE cluster = ? AND type = 'certificate' AND active AND not_after < ? ORDER BY not_after, name
                    """, arguments: [cluster, Self.databaseTime(before)]
            ).map { ($0["name"], $0["version"], $0["not_after"]) }
        }
    }

    /// Restarts (`restart-jobs` actions that succeeded) per instance of `cluster` since `since`
    /// (a database time), by instance id.
    public func restartsPerInstance(cluster: String, since: String) throws -> [String: Int] {
        try pool.read { db in
            let rows = try Row.fetchAll(
                db, sql: """
                    SELECT instance_id, count(*) AS n FROM actions
                    WHERE cluster = ? AND kind = 'restart-jobs' AND state = 'succeeded' AND finished_at >= ? AND instance_id IS NOT NULL
                    GROUP BY instance_id
                    """, arguments: [cluster, since])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["instance_id"] as String, $0["n"] as Int) })
        }
    }

    private func generated(_ set: CredentialSet, _ name: String) throws -> GeneratedCredential {
        guard let active = set.active(name), let secret = active.secret else { throw CredentialError("credential '\(name)' has no version to sign with") }
        return GeneratedCredential(name: name, type: active.type, ca: active.ca, notBefore: nil, notAfter: nil, fingerprint: nil, secret: secret)
    }

    private func setTransitional(_ db: Database, cluster: String, name: String, version: Int, _ value: Bool) throws {
        try db.execute(
            sql: "UPDATE credential_versions SET transitional = ? WHERE cluster = ? AND name = ? AND version = ?",
            arguments: [value, cluster, name, version])
    }

    func insertVersion(
        _ db: Database, cluster: String, credential: GeneratedCredential, version: Int, transitional: Bool, sealed: SealedSecret,
        spec: ClusterSpec, at: String
    ) throws {
        let referencedBy = VariableReferences.referencingGroups(spec)
        try db.execute(
            sql: """
                INSERT INTO credential_versions
                    (cluster, name, version, type, ca, not_before, not_after, fingerprint, transitional, referenced_by, created_at, key_id, sealed)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                cluster, credential.name, version, credential.type.rawValue, credential.ca,
                credential.notBefore.map(Self.databaseTime), credential.notAfter.map(Self.databaseTime),
                credential.fingerprint, transitional, (referencedBy[credential.name] ?? []).joined(separator: ","), at,
                sealed.keyID, sealed.combined,
            ])
    }
}
