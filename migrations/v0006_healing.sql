-- Version 6: healing (issue "Healing: fast drift detection, a shared disruption budget,
-- escalation and meltdown").

-- What observation found wrong, one row per finding while it lasts, kept after it is resolved
-- (pruned with the rest of the history). A finding is identified by (cluster, kind, resource)
-- while it is not resolved: the same VM stopped twice is two rows, one after the other.
--   open        seen; nothing is healing it (yet)
--   healing     the current plan acts on it
--   suppressed  seen, not healed on purpose: meltdown, or healing.enabled is false
--   resolved    no longer seen (resolved_at says when)
CREATE TABLE finding_rows (
    id INTEGER PRIMARY KEY,
    cluster TEXT NOT NULL,
    instance TEXT,
    kind TEXT NOT NULL,
    resource TEXT NOT NULL,
    detail TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'healing', 'suppressed', 'resolved')),
    resolved_at TEXT,
    CHECK ((state = 'resolved') = (resolved_at IS NOT NULL))
);
CREATE UNIQUE INDEX finding_rows_current ON finding_rows(cluster, kind, resource) WHERE state <> 'resolved';
CREATE INDEX finding_rows_resolved ON finding_rows(resolved_at) WHERE state = 'resolved';

-- Consecutive healing restarts of an instance's failed jobs since it was last seen healthy:
-- after 3 the VM is recreated instead.
ALTER TABLE instances ADD COLUMN heal_restarts INTEGER NOT NULL DEFAULT 0 CHECK (heal_restarts >= 0);

-- `bosun heal resume CLUSTER`: the next pass heals once despite a meltdown.
ALTER TABLE clusters ADD COLUMN heal_override INTEGER NOT NULL DEFAULT 0 CHECK (heal_override IN (0, 1));

-- When the cluster entered its current meltdown (NULL: not in one). The phase shows it too,
-- but a spec change running during a meltdown changes the phase, not this.
ALTER TABLE clusters ADD COLUMN meltdown_since TEXT;

-- The stable view.
CREATE VIEW findings AS
SELECT f.id, f.cluster, f.instance, f.kind, f.resource, f.detail, f.first_seen, f.last_seen, f.state, f.resolved_at
FROM finding_rows f;
