-- Version 2: what reconciliation needs beyond version 1.

-- Who asked for a teardown: 'spec-removed' (file gone, deletion: delete) or 'operator'
-- (bosun delete). An operator's teardown is not undone by re-reading an unchanged spec file.
ALTER TABLE clusters ADD COLUMN deletion_requested_by TEXT
    CHECK (deletion_requested_by IN ('spec-removed', 'operator'));

-- The plan an action belongs to and its position, so the journal reads as the plan did.
ALTER TABLE actions ADD COLUMN step INTEGER;
ALTER TABLE actions ADD COLUMN canary INTEGER NOT NULL DEFAULT 0 CHECK (canary IN (0, 1));

CREATE INDEX actions_by_key_kind ON actions(cluster, kind);
CREATE INDEX disks_by_cluster ON disks(cluster, state);

-- Orphaned disks with their age, for `bosun disks orphaned` and sqlite3 users.
CREATE VIEW orphaned_disks AS
SELECT d.id AS disk, d.cluster, d.size_mib, d.type, d.orphaned_at,
       CAST(julianday('now') - julianday(d.orphaned_at) AS REAL) AS age_days
FROM disks d
WHERE d.state = 'orphaned';
