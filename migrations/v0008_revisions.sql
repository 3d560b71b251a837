-- Version 8: the no-op fast path (issue 9, "Scale").
--
-- 1. `cluster_revisions.revision`. A scheduled pass over a settled cluster asks "has anything a
-- pass reads changed since it settled?" Answering by reading the cluster's whole desired and
-- recorded state costs six queries per cluster per interval, which at 10,000 clusters was most
-- of a steady-state controller's CPU. Instead, every write that changes what
-- `Store.clusterState` returns bumps the revision, whichever process makes it: triggers, so no
-- code path can forget. Equal revisions mean equal records; a different revision only sends the
-- check back to comparing the records themselves. The triggers fire on the columns
-- `clusterState` reads and only when a value really changes, so a pass's own bookkeeping
-- (phase, health, timestamps) leaves the revision alone. The revision has a small table of its
-- own: bumping it must not rewrite a `clusters` row and its spec JSON on every journal write.
-- A cluster with no row is at revision 0.
CREATE TABLE cluster_revisions (
    cluster TEXT PRIMARY KEY,
    revision INTEGER NOT NULL CHECK (revision >= 1)
) WITHOUT ROWID;
INSERT INTO cluster_revisions (cluster, revision) SELECT name, 1 FROM clusters;

-- 2. What the last pass that found nothing to do saw, so another process (`bosun plan`,
-- `bosun drift`, a restarted `bosun run`) can tell a cluster is still exactly so without
-- decoding its spec or planning: the records revision it read, a SHA-256 of what it observed
-- (`ObservationFingerprint`), the agent timeout that judged silence, and the load balancers it
-- observed (space-separated; names cannot hold spaces). NULL unless that pass converged with
-- no finding left open.
ALTER TABLE clusters ADD COLUMN settled_revision INTEGER;
ALTER TABLE clusters ADD COLUMN settled_observation TEXT;
ALTER TABLE clusters ADD COLUMN settled_agent_timeout REAL;
ALTER TABLE clusters ADD COLUMN settled_load_balancers TEXT;

CREATE TRIGGER clusters_revision AFTER UPDATE ON clusters
WHEN OLD.spec_json IS NOT NEW.spec_json OR OLD.spec_hash IS NOT NEW.spec_hash OR OLD.generation IS NOT NEW.generation
    OR OLD.lifecycle IS NOT NEW.lifecycle OR OLD.heal_override IS NOT NEW.heal_override
BEGIN
    INSERT INTO cluster_revisions VALUES (NEW.name, 1) ON CONFLICT (cluster) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER instances_revision_insert AFTER INSERT ON instances
BEGIN
    INSERT INTO cluster_revisions VALUES (NEW.cluster, 1) ON CONFLICT (cluster) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER instances_revision_delete AFTER DELETE ON instances
BEGIN
    INSERT INTO cluster_revisions VALUES (OLD.cluster, 1) ON CONFLICT (cluster) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER instances_revision_update AFTER UPDATE ON instances
WHEN OLD.cluster IS NOT NEW.cluster OR OLD.group_name IS NOT NEW.group_name OR OLD.idx IS NOT NEW.idx
    OR OLD.az IS NOT NEW.az OR OLD.vm_id IS NOT NEW.vm_id OR OLD.applied_hash IS NOT NEW.applied_hash
    OR OLD.heal_restarts IS NOT NEW.heal_restarts
BEGIN
    INSERT INTO cluster_revisions SELECT c, 1 FROM (SELECT OLD.cluster AS c UNION SELECT NEW.cluster) WHERE true
        ON CONFLICT (cluster) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER disks_revision_insert AFTER INSERT ON disks
BEGIN
    INSERT INTO cluster_revisions VALUES (NEW.cluster, 1) ON CONFLICT (cluster) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER disks_revision_delete AFTER DELETE ON disks
BEGIN
    INSERT INTO cluster_revisions VALUES (OLD.cluster, 1) ON CONFLICT (cluster) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER disks_revision_update AFTER UPDATE ON disks
WHEN OLD.id IS NOT NEW.id OR OLD.cluster IS NOT NEW.cluster OR OLD.instance_id IS NOT NEW.instance_id
    OR OLD.state IS NOT NEW.state OR OLD.created_at IS NOT NEW.created_at OR OLD.orphaned_at IS NOT NEW.orphaned_at
BEGIN
    INSERT INTO cluster_revisions SELECT c, 1 FROM (SELECT OLD.cluster AS c UNION SELECT NEW.cluster) WHERE true
        ON CONFLICT (cluster) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER lb_members_revision_insert AFTER INSERT ON lb_members
BEGIN
    INSERT INTO cluster_revisions SELECT cluster, 1 FROM instances WHERE id = NEW.instance_id
        ON CONFLICT (cluster) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER lb_members_revision_delete AFTER DELETE ON lb_members
BEGIN
    INSERT INTO cluster_revisions SELECT cluster, 1 FROM instances WHERE id = OLD.instance_id
        ON CONFLICT (cluster) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER lb_members_revision_update AFTER UPDATE ON lb_members
WHEN OLD.lb IS NOT NEW.lb OR OLD.instance_id IS NOT NEW.instance_id
BEGIN
    INSERT INTO cluster_revisions SELECT DISTINCT cluster, 1 FROM instances WHERE id IN (OLD.instance_id, NEW.instance_id)
        ON CONFLICT (cluster) DO UPDATE SET revision = revision + 1;
END;

-- Create keys: the journal's, and those pruning moved to known_keys.
CREATE TRIGGER actions_revision_insert AFTER INSERT ON actions WHEN NEW.kind = 'create-vm'
BEGIN
    INSERT INTO cluster_revisions VALUES (NEW.cluster, 1) ON CONFLICT (cluster) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER actions_revision_delete AFTER DELETE ON actions WHEN OLD.kind = 'create-vm'
BEGIN
    INSERT INTO cluster_revisions VALUES (OLD.cluster, 1) ON CONFLICT (cluster) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER actions_revision_update AFTER UPDATE ON actions
WHEN OLD.cluster IS NOT NEW.cluster OR OLD.kind IS NOT NEW.kind OR OLD.idempotency_key IS NOT NEW.idempotency_key
BEGIN
    INSERT INTO cluster_revisions SELECT c, 1 FROM (SELECT OLD.cluster AS c UNION SELECT NEW.cluster) WHERE true
        ON CONFLICT (cluster) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER known_keys_revision_insert AFTER INSERT ON known_keys WHEN NEW.kind = 'create-vm'
BEGIN
    INSERT INTO cluster_revisions VALUES (NEW.cluster, 1) ON CONFLICT (cluster) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER known_keys_revision_delete AFTER DELETE ON known_keys WHEN OLD.kind = 'create-vm'
BEGIN
    INSERT INTO cluster_revisions VALUES (OLD.cluster, 1) ON CONFLICT (cluster) DO UPDATE SET revision = revision + 1;
END;
