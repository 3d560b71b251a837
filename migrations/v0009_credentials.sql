-- Version 9: credentials (issue 11).
--
-- Every version of every credential a cluster declares in `variables:`. The secret fields are
-- one AES-256-GCM blob per version (`sealed`: nonce ‖ ciphertext ‖ tag, sealed with the key in
-- `bosun.key`, additional data binding it to cluster, name and version); `key_id` names the key
-- (first 16 hex digits of its SHA-256) so a wrong key file is reported as such. Nothing else in
-- the database holds a secret. Versions are never updated or deleted by Bosun: a rotation adds
-- one. Removing a cluster keeps its credentials (they may be needed to recover it).
CREATE TABLE credential_versions (
    cluster TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    type TEXT NOT NULL CHECK (type IN ('password', 'certificate', 'rsa', 'ssh')),
    ca TEXT,
    not_before TEXT,
    not_after TEXT,
    fingerprint TEXT,
    transitional INTEGER NOT NULL DEFAULT 0 CHECK (transitional IN (0, 1)),
    referenced_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    key_id TEXT NOT NULL,
    sealed BLOB NOT NULL,
    PRIMARY KEY (cluster, name, version)
) WITHOUT ROWID;

CREATE TRIGGER credential_versions_immutable BEFORE UPDATE OF sealed, version, cluster, name ON credential_versions
BEGIN
    SELECT RAISE(ABORT, 'credential versions are immutable; add a version instead');
END;

-- What an operator may see: every version, its age and expiry, and never a secret value.
-- `current` marks the newest version of each credential; `sha256_fingerprint` is SHA-256 of the
-- certificate DER (certificates) or of the public key DER (rsa, ssh), NULL for passwords.
CREATE VIEW credentials AS
SELECT v.cluster, v.name, v.type, v.version, v.ca, v.not_before, v.not_after,
       v.fingerprint AS sha256_fingerprint, v.transitional, v.referenced_by, v.created_at,
       v.version = (SELECT max(w.version) FROM credential_versions w WHERE w.cluster = v.cluster AND w.name = v.name) AS current
FROM credential_versions v;
