-- Version 12: credential rotation and delivery (issue 11).
--
-- 1. A new credential version, or a CA changing its transitional flag, changes what nodes are
-- configured with (the configuration hash covers credential versions and trust bundles), so it
-- bumps the cluster's records revision like any other write a pass reads.
CREATE TRIGGER credential_versions_revision_insert AFTER INSERT ON credential_versions
BEGIN
    INSERT INTO cluster_revisions VALUES (NEW.cluster, 1) ON CONFLICT (cluster) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER credential_versions_revision_update AFTER UPDATE OF transitional ON credential_versions
WHEN OLD.transitional IS NOT NEW.transitional
BEGIN
    INSERT INTO cluster_revisions VALUES (NEW.cluster, 1) ON CONFLICT (cluster) DO UPDATE SET revision = revision + 1;
END;

-- 2. Rotations: one row per `bosun creds rotate` (or automatic rotation), kept after it
-- finishes. A leaf (or password, rsa, ssh key) rotates in one phase: a new version, rolled out.
-- A CA rotates in CredHub's three: (1) the new CA joins every trust bundle as a transitional
-- version; (2) it becomes the signing version, the old one transitional, and every certificate
-- it signs is re-issued; (3) the old CA leaves the bundles. Each phase starts only once the
-- previous one has rolled out to every instance and the cluster has converged. At most one
-- rotation per cluster is in flight.
CREATE TABLE credential_rotations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    cluster TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('leaf', 'ca')),
    phase INTEGER NOT NULL CHECK (phase BETWEEN 1 AND 3),
    from_version INTEGER NOT NULL,
    to_version INTEGER NOT NULL,
    trigger TEXT NOT NULL CHECK (trigger IN ('operator', 'expiry')),
    started_at TEXT NOT NULL,
    phase_started_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE UNIQUE INDEX credential_rotations_in_flight ON credential_rotations (cluster) WHERE finished_at IS NULL;

CREATE TRIGGER credential_rotations_revision AFTER UPDATE OF phase, finished_at ON credential_rotations
BEGIN
    INSERT INTO cluster_revisions VALUES (NEW.cluster, 1) ON CONFLICT (cluster) DO UPDATE SET revision = revision + 1;
END;

-- What an operator queries: every rotation, its phase in words, and whether it is in flight.
CREATE VIEW rotations AS
SELECT cluster, name, kind, phase,
       CASE WHEN finished_at IS NOT NULL THEN 'finished'
            WHEN kind = 'leaf' THEN 'rolling out v' || to_version
            WHEN phase = 1 THEN 'phase 1 of 3: new CA v' || to_version || ' added to trust bundles'
            WHEN phase = 2 THEN 'phase 2 of 3: certificates re-issued by CA v' || to_version
            ELSE 'phase 3 of 3: old CA v' || from_version || ' removed from trust bundles' END AS status,
       from_version, to_version, trigger, started_at, phase_started_at, finished_at,
       finished_at IS NULL AS in_flight
FROM credential_rotations;

-- 3. The `credentials` view gains `active`: the version that signs and is delivered (the newest
-- not transitional). During a CA rotation's first phase the newest version (`current`) is the
-- transitional new CA while the old one is still `active`. Columns are only ever added.
DROP VIEW credentials;
CREATE VIEW credentials AS
SELECT v.cluster, v.name, v.type, v.version, v.ca, v.not_before, v.not_after,
       v.fingerprint AS sha256_fingerprint, v.transitional, v.referenced_by, v.created_at,
       v.version = (SELECT max(w.version) FROM credential_versions w WHERE w.cluster = v.cluster AND w.name = v.name) AS current,
       v.version = coalesce(
           (SELECT max(w.version) FROM credential_versions w WHERE w.cluster = v.cluster AND w.name = v.name AND NOT w.transitional),
           (SELECT max(w.version) FROM credential_versions w WHERE w.cluster = v.cluster AND w.name = v.name)) AS active
FROM credential_versions v;
