-- Version 4: safety (issue "nothing is destroyed by accident").
--
-- clusters gains two lifecycles and one phase, which SQLite can only add by rebuilding the
-- table (a CHECK cannot be altered). GRDB runs a migration with foreign keys off and checks
-- them at the end, so instances (which reference clusters) are untouched by the rebuild.
--
-- lifecycle:
--   pending-deletion  its file is missing (deletion: delete); teardown starts at teardown_at
--                     unless the file returns first.
--   held              its file vanished in a mass removal (half or more of the known files in
--                     one listing): no clock runs; it waits for the file or `bosun delete`.
-- phase:
--   unknown           the last observation failed; what the cloud holds is not known, so
--                     healing and rollouts wait (last_error says why).
CREATE TABLE clusters_v4 (
    name TEXT PRIMARY KEY
        CHECK (length(name) BETWEEN 1 AND 63 AND name NOT GLOB '*[^a-z0-9-]*'
               AND name GLOB '[a-z0-9]*' AND name GLOB '*[a-z0-9]'),
    provider TEXT NOT NULL CHECK (provider IN ('sim', 'aws')),
    spec_json TEXT NOT NULL CHECK (json_valid(spec_json)),
    spec_hash TEXT NOT NULL CHECK (length(spec_hash) = 64),
    generation INTEGER NOT NULL CHECK (generation >= 1),
    source_path TEXT NOT NULL,
    deletion TEXT NOT NULL CHECK (deletion IN ('protect', 'delete')),
    lifecycle TEXT NOT NULL DEFAULT 'active'
        CHECK (lifecycle IN ('active', 'pending-deletion', 'held', 'orphaned', 'deleting', 'deleted')),
    phase TEXT NOT NULL DEFAULT 'pending'
        CHECK (phase IN ('pending', 'reconciling', 'converged', 'failed', 'meltdown', 'unknown')),
    observed_generation INTEGER NOT NULL DEFAULT 0 CHECK (observed_generation >= 0),
    accepted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_pass_at TEXT,
    last_error TEXT,
    deletion_requested_by TEXT CHECK (deletion_requested_by IN ('spec-removed', 'operator')),
    -- When a directory listing first found the file missing (pending-deletion, held).
    missing_since TEXT,
    -- When teardown may start (pending-deletion only).
    teardown_at TEXT,
    CHECK ((lifecycle IN ('pending-deletion', 'held')) = (missing_since IS NOT NULL)),
    CHECK ((lifecycle = 'pending-deletion') = (teardown_at IS NOT NULL))
);

INSERT INTO clusters_v4 (name, provider, spec_json, spec_hash, generation, source_path, deletion, lifecycle,
                         phase, observed_generation, accepted_at, updated_at, last_pass_at, last_error,
                         deletion_requested_by)
SELECT name, provider, spec_json, spec_hash, generation, source_path, deletion, lifecycle,
       phase, observed_generation, accepted_at, updated_at, last_pass_at, last_error,
       deletion_requested_by
FROM clusters;

DROP VIEW cluster_status;
DROP TABLE clusters;
ALTER TABLE clusters_v4 RENAME TO clusters;

-- The stable view, with the deletion clock appended (columns are only ever added at the end).
CREATE VIEW cluster_status AS
SELECT
    c.name AS cluster,
    c.provider,
    c.lifecycle,
    c.phase,
    c.generation,
    c.observed_generation,
    (SELECT coalesce(sum(json_extract(g.value, '$.instances')), 0)
       FROM json_each(c.spec_json, '$.groups') AS g) AS desired,
    (SELECT count(*) FROM instances i WHERE i.cluster = c.name AND i.state = 'running') AS running,
    (SELECT count(*) FROM instances i WHERE i.cluster = c.name AND i.state = 'running'
                                            AND i.health = 'healthy') AS healthy,
    c.last_pass_at,
    c.last_error,
    c.source_path,
    c.accepted_at,
    c.updated_at,
    c.missing_since,
    c.teardown_at
FROM clusters c;
