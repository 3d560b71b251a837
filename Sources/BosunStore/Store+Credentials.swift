import BosunCredentials
import BosunModel
import BosunSpec
import Foundation
import GRDB

extension Store {
    /// Rows of the `credentials` view (metadata only), by cluster and name; only current
    /// versions unless `allVersions`.
    public func credentialRows(cluster: String? = nil, allVersions: Bool = false) throws -> [CredentialRow] {
        try pool.read { db in
            var sql = "SELECT * FROM credentials WHERE 1"
            var arguments: StatementArguments = []
            if let cluster {
                sql += " AND cluster = ?"
                arguments += [cluster]
            }
            if !allVersions { sql += " AND current" }
            return try CredentialRow.fetchAll(db, sql: sql + " ORDER BY cluster, name, version", arguments: arguments)
        }
    }

    /// Whether any credential has ever been stored (then a missing key file is an error, not a
    /// first use).
    public func hasCredentials() throws -> Bool {
        try pool.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM credential_versions)") ?? false }
    }

    /// The secret fields of one version (the current one when `version` is nil), or nil if there
    /// is no such credential. Throws `CredentialError` for a wrong key or a corrupt blob.
    public func openCredential(cluster: String, name: String, version: Int? = nil, key: CredentialKey) throws
        -> (row: CredentialRow, secret: SecretFields)?
    {
        let found = try pool.read { db -> (CredentialRow, Data, String)? in
            let versionSQL = version == nil
                ? "(SELECT max(version) FROM credential_versions WHERE cluster = ? AND name = ?)" : "?"
            let versionArgs: StatementArguments = version.map { [$0] } ?? [cluster, name]
            guard let row = try CredentialRow.fetchOne(
                db, sql: "SELECT * FROM credentials WHERE cluster = ? AND name = ? AND version = \(versionSQL)",
                arguments: [cluster, name] + versionArgs),
                let sealed = try Row.fetchOne(
                    db, sql: "SELECT sealed, key_id FROM credential_versions WHERE cluster = ? AND name = ? AND version = ?",
                    arguments: [cluster, name, row.version])
            else { return nil }
            return (row, sealed["sealed"], sealed["key_id"])
        }
        guard let (row, blob, keyID) = found else { return nil }
        let secret = try SealedSecret(combined: blob, keyID: keyID).open(cluster: cluster, name: name, version: row.version, key: key)
        return (row, secret)
    }

    /// The active version of every credential of `cluster` (`CredentialSet.active`: the newest
    /// not transitional, the one that signs), opened. Throws `CredentialError` for a wrong key
    /// or a corrupt blob.
    public func currentCredentials(cluster: String, key: CredentialKey) throws -> [String: GeneratedCredential] {
        var out: [String: GeneratedCredential] = [:]
        let all = try credentialRows(cluster: cluster, allVersions: true)
        var active: [String: CredentialRow] = [:]
        for row in all {
            guard let known = active[row.name] else { active[row.name] = row; continue }
            // Newest non-transitional wins; a transitional one only while nothing else exists.
            if (known.transitional && !row.transitional) || (known.transitional == row.transitional && row.version > known.version) {
                active[row.name] = row
            }
        }
        for row in active.values.sorted(by: { $0.name < $1.name }) {
            guard let (row, secret) = try openCredential(cluster: cluster, name: row.name, version: row.version, key: key),
                let type = VariableType(rawValue: row.type)
            else { continue }
            out[row.name] = GeneratedCredential(
                name: row.name, type: type, ca: row.ca, notBefore: row.notBefore.flatMap(Self.parseDatabaseTime),
                notAfter: row.notAfter.flatMap(Self.parseDatabaseTime), fingerprint: row.sha256Fingerprint, secret: secret)
        }
        return out
    }

    /// Generates and stores, sealed with `key`, every variable `spec` declares that has no
    /// version yet; existing versions are opened (to sign new leaves with existing CAs) and
    /// never replaced. Returns the names generated. Throws `CredentialError` (wrong key, corrupt
    /// blob, generation failure) or a database error; on any error nothing is stored.
    @discardableResult
    public func ensureCredentials(
        for spec: ClusterSpec, key: CredentialKey, generator: CredentialGenerator = CredentialGenerator()
    ) throws -> [String] {
        guard let variables = spec.variables, !variables.isEmpty else { return [] }
        let existing = try currentCredentials(cluster: spec.name, key: key)
        let missing = try generator.generateMissing(variables, existing: existing)
        guard !missing.isEmpty else { return [] }
        let referencedBy = VariableReferences.referencingGroups(spec)
        var sealed: [(GeneratedCredential, SealedSecret)] = []
        for credential in missing {
            sealed.append((credential, try SealedSecret.seal(credential.secret, cluster: spec.name, name: credential.name, version: 1, key: key)))
        }
        let created = now().text
        try pool.write { db in
            for (credential, blob) in sealed {
                try db.execute(
                    sql: """
                        INSERT INTO credential_versions
                            (cluster, name, version, type, ca, not_before, not_after, fingerprint, referenced_by, created_at, key_id, sealed)
                        VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        spec.name, credential.name, credential.type.rawValue, credential.ca,
                        credential.notBefore.map(Self.databaseTime), credential.notAfter.map(Self.databaseTime),
                        credential.fingerprint, (referencedBy[credential.name] ?? []).joined(separator: ","), created,
                        blob.keyID, blob.combined,
                    ])
            }
            try db.execute(
                sql: "INSERT INTO events (at, cluster, instance, kind, message) VALUES (?, ?, NULL, 'credentials-generated', ?)",
                arguments: [created, spec.name, "generated \(missing.count) credential(s): \(missing.map(\.name).joined(separator: ", "))"])
        }
        return missing.map(\.name)
    }

    /// The metadata of every version of `cluster`'s credentials (no secret is read).
    static func credentialSet(_ db: Database, cluster: String) throws -> CredentialSet {
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT name, version, type, ca, transitional FROM credential_versions WHERE cluster = ?"),
            arguments: [cluster])
        return CredentialSet(rows.compactMap { row in
            guard let type = VariableType(rawValue: row["type"]) else { return nil }
            return CredentialSet.Version(name: row["name"], version: row["version"], type: type, ca: row["ca"], transitional: row["transitional"])
        })
    }

    /// `CredentialSet.tokens` of `cluster` (versions and trust bundles, no secret).
    public func credentialTokens(cluster: String) throws -> [String: String] {
        try pool.read { db in try Self.credentialSet(db, cluster: cluster).tokens }
    }

    /// Every version of `cluster`'s credentials, opened with `key`: what rendering a node's
    /// configuration needs. Throws `CredentialError` for a wrong key or a corrupt blob.
    public func openCredentialSet(cluster: String, key: CredentialKey) throws -> CredentialSet {
        let rows = try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT name, version, type, ca, transitional, sealed, key_id FROM credential_versions WHERE cluster = ?",
                arguments: [cluster])
        }
        var versions: [CredentialSet.Version] = []
        for row in rows {
            guard let type = VariableType(rawValue: row["type"]) else { continue }
            let name: String = row["name"], version: Int = row["version"]
            let secret = try SealedSecret(combined: row["sealed"], keyID: row["key_id"]).open(cluster: cluster, name: name, version: version, key: key)
            versions.append(CredentialSet.Version(name: name, version: version, type: type, ca: row["ca"], transitional: row["transitional"], secret: secret))
        }
        return CredentialSet(versions)
    }

    /// Parses a time as `databaseTime` writes it.
    public static func parseDatabaseTime(_ text: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        return f.date(from: text)
    }
}
