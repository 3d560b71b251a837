-- Bosun state database, version 1.
-- Tables may change between versions; the views at the end are the stable surface
-- (see README.md "Querying the state"). Times are UTC text 'YYYY-MM-DD HH:MM:SS.SSS'.

-- One row per cluster ever accepted. Desired state is the canonical spec JSON.
CREATE TABLE clusters (
    name TEXT PRIMARY KEY
        CHECK (length(name) BETWEEN 1 AND 63 AND name NOT GLOB '*[^a-z0-9-]*'
               AND name GLOB '[a-z0-9]*' AND name GLOB '*[a-z0-9]'),
    provider TEXT NOT NULL CHECK (provider IN ('sim', 'aws')),
    spec_json TEXT NOT NULL CHECK (json_valid(spec_json)),
    spec_hash TEXT NOT NULL CHECK (length(spec_hash) = 64),
    generation INTEGER NOT NULL CHECK (generation >= 1),
    source_path TEXT NOT NULL,
    deletion TEXT NOT NULL CHECK (deletion IN ('protect', 'delete')),
    -- active: its file declares it; orphaned: its file is gone and deletion is protect;
    -- deleting: its file is gone (or bosun delete) and it is being torn down; deleted: gone.
    lifecycle TEXT NOT NULL DEFAULT 'active'
        CHECK (lifecycle IN ('active', 'orphaned', 'deleting', 'deleted')),
    -- Where reconciliation stands: pending (accepted, not yet reconciled), reconciling,
    -- converged, failed (last pass ended in error), meltdown (healing paused).
    phase TEXT NOT NULL DEFAULT 'pending'
        CHECK (phase IN ('pending', 'reconciling', 'converged', 'failed', 'meltdown')),
    -- The generation the last successful pass converged to.
    observed_generation INTEGER NOT NULL DEFAULT 0 CHECK (observed_generation >= 0),
    accepted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_pass_at TEXT,
    last_error TEXT
);

-- Problems of rejected spec files: one row per problem, ordered by seq within a file.
CREATE TABLE spec_file_errors (
    path TEXT NOT NULL,
    seq INTEGER NOT NULL CHECK (seq >= 0),
    cluster TEXT,
    line INTEGER NOT NULL CHECK (line >= 1),
    column INTEGER NOT NULL CHECK (column >= 1),
    field TEXT NOT NULL,
    message TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (path, seq)
);

-- One row per instance identity (cluster, group, index); ids are stable across recreates.
CREATE TABLE instances (
    id TEXT PRIMARY KEY,
    cluster TEXT NOT NULL REFERENCES clusters(name) ON DELETE CASCADE,
    group_name TEXT NOT NULL,
    idx INTEGER NOT NULL CHECK (idx >= 0),
    az TEXT NOT NULL,
    vm_id TEXT,
    state TEXT NOT NULL DEFAULT 'missing'
        CHECK (state IN ('missing', 'creating', 'running', 'stopped', 'updating',
                         'deleting', 'deleted', 'disk-lost', 'failed')),
    health TEXT NOT NULL DEFAULT 'unknown' CHECK (health IN ('unknown', 'healthy', 'unhealthy')),
    -- Hash of the instance-relevant part of the spec last applied (image, vmType, jobs, ...).
    applied_hash TEXT,
    dirty INTEGER NOT NULL DEFAULT 0 CHECK (dirty IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (cluster, group_name, idx)
);
CREATE INDEX instances_by_vm ON instances(vm_id) WHERE vm_id IS NOT NULL;

-- Persistent disks, including orphaned ones kept after scale-down or teardown.
CREATE TABLE disks (
    id TEXT PRIMARY KEY,
    cluster TEXT NOT NULL,
    instance_id TEXT REFERENCES instances(id) ON DELETE SET NULL,
    size_mib INTEGER NOT NULL CHECK (size_mib > 0),
    type TEXT,
    state TEXT NOT NULL CHECK (state IN ('attached', 'detached', 'orphaned', 'lost', 'deleted')),
    created_at TEXT NOT NULL,
    orphaned_at TEXT,
    updated_at TEXT NOT NULL,
    CHECK ((state = 'orphaned') = (orphaned_at IS NOT NULL))
);
CREATE INDEX disks_by_instance ON disks(instance_id);

-- Load-balancer memberships the controller made.
CREATE TABLE lb_members (
    lb TEXT NOT NULL,
    instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
    vm_id TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    PRIMARY KEY (lb, instance_id)
);

-- The action journal: every step the controller takes, written before it is taken.
CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    cluster TEXT NOT NULL,
    instance_id TEXT,
    plan_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    owner TEXT,
    reason TEXT NOT NULL DEFAULT '',
    detail TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    next_attempt_at TEXT,
    CHECK (state <> 'running' OR owner IS NOT NULL)
);
CREATE INDEX actions_by_cluster ON actions(cluster, state);

-- What happened, for humans and scripts.
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    cluster TEXT,
    instance TEXT,
    kind TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX events_by_cluster ON events(cluster, id);

-- At most one process acts on a cluster: the holder renews before expiry; a stale lease is
-- taken over.
CREATE TABLE leases (
    cluster TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    renewed_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- ---------------------------------------------------------------------------------------
-- Stable views.

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
    c.updated_at
FROM clusters c;

CREATE VIEW instance_status AS
SELECT
    i.id AS instance,
    i.cluster,
    i.group_name AS "group",
    i.idx AS "index",
    i.az,
    i.vm_id,
    (SELECT d.id FROM disks d WHERE d.instance_id = i.id AND d.state IN ('attached', 'detached', 'lost')
      ORDER BY d.created_at DESC LIMIT 1) AS disk_id,
    i.state,
    i.health,
    EXISTS (SELECT 1 FROM lb_members m WHERE m.instance_id = i.id) AS in_lb,
    i.updated_at
FROM instances i;

CREATE VIEW spec_errors AS
SELECT
    e.path,
    e.cluster,
    e.line,
    e.column,
    e.field,
    e.message,
    (SELECT count(*) FROM spec_file_errors x WHERE x.path = e.path) AS error_count,
    e.at
FROM spec_file_errors e
WHERE e.seq = 0;

CREATE VIEW recent_actions AS
SELECT
    a.id,
    a.cluster,
    a.instance_id AS instance,
    a.kind,
    a.state,
    a.attempts,
    a.last_error,
    a.reason,
    a.created_at,
    a.started_at,
    a.finished_at
FROM actions a
ORDER BY a.id DESC;
