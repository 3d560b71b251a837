-- Version 5: bounded growth (issue "nothing is destroyed by accident", item 8).
--
-- Finished journal rows and old events are pruned (Store.prune). One thing in a finished row
-- outlives it: the idempotency key of a create that reached the provider. Those keys are how
-- Bosun recognises its own VMs (a VM carrying a key Bosun never issued is a rogue, left alone;
-- one carrying a known key is Bosun's, kept or removed as the plan says). Pruning a create's
-- row moves its key here in the same transaction, so pruning can never make Bosun disown its
-- own VM or adopt a foreign one. Creates that never started (attempts = 0) reached no
-- provider and keep no key.
CREATE TABLE known_keys (
    cluster TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('create-vm', 'create-disk')),
    key TEXT NOT NULL,
    -- When the create was journaled (from actions.created_at).
    created_at TEXT NOT NULL,
    PRIMARY KEY (cluster, kind, key)
) WITHOUT ROWID;

-- Pruning by age finds old rows through these instead of scanning the tables. The actions
-- index holds finished rows only, so pending and running ones cost nothing extra.
CREATE INDEX actions_finished ON actions(finished_at) WHERE state IN ('succeeded', 'failed', 'cancelled');
CREATE INDEX events_by_at ON events(at);
