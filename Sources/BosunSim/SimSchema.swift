import GRDB

/// The sim's own schema. It lives in a separate file from the state database, so its SQL lives
/// here rather than in `migrations/`. Forward-only: add a migration, never edit one.
enum SimSchema {
    /// Every sim migration identifier starts with this, which is how a sim file is told apart
    /// from another GRDB database (the state database among them).
    static let prefix = "sim-"

    static let migrations: [(identifier: String, sql: String)] = [("sim-v1", v1), ("sim-v2", v2), ("sim-v3", v3)]

    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for (identifier, sql) in migrations {
            migrator.registerMigration(identifier) { db in try db.execute(sql: sql) }
        }
        return migrator
    }

    // Counters kept by triggers make quota checks O(1) instead of a scan per create.
    // Times are Unix seconds (REAL) from the injected clock.
    private static let v1 = """
        CREATE TABLE cloud (
            id            INTEGER PRIMARY KEY CHECK (id = 1),
            seed          INTEGER,
            revision      INTEGER NOT NULL DEFAULT 0,
            boot_ms       INTEGER NOT NULL DEFAULT 0 CHECK (boot_ms >= 0),
            job_start_ms  INTEGER NOT NULL DEFAULT 0 CHECK (job_start_ms >= 0),
            max_vms       INTEGER CHECK (max_vms >= 0),
            max_disk_gib  INTEGER CHECK (max_disk_gib >= 0),
            vm_count      INTEGER NOT NULL DEFAULT 0,
            disk_mib      INTEGER NOT NULL DEFAULT 0
        );
        INSERT INTO cloud (id) VALUES (1);

        CREATE TABLE faults (
            operation      TEXT PRIMARY KEY,
            error_rate     REAL NOT NULL DEFAULT 0 CHECK (error_rate BETWEEN 0 AND 1),
            terminal_rate  REAL NOT NULL DEFAULT 0 CHECK (terminal_rate BETWEEN 0 AND 1),
            timeout_rate   REAL NOT NULL DEFAULT 0 CHECK (timeout_rate BETWEEN 0 AND 1),
            latency_ms     REAL NOT NULL DEFAULT 0 CHECK (latency_ms >= 0),
            jitter_ms      REAL NOT NULL DEFAULT 0 CHECK (jitter_ms >= 0),
            hang_ms        REAL NOT NULL DEFAULT 1000 CHECK (hang_ms >= 0),
            CHECK (error_rate + terminal_rate + timeout_rate <= 1.000001)
        ) WITHOUT ROWID;
        INSERT INTO faults (operation) VALUES ('*');

        CREATE TABLE vms (
            id               INTEGER PRIMARY KEY AUTOINCREMENT,
            cluster          TEXT NOT NULL,
            grp              TEXT NOT NULL,
            idx              INTEGER NOT NULL CHECK (idx >= 0),
            instance_id      TEXT NOT NULL,
            az               TEXT NOT NULL CHECK (az <> ''),
            vm_type          TEXT NOT NULL,
            image            TEXT NOT NULL,
            idempotency_key  TEXT NOT NULL UNIQUE CHECK (idempotency_key <> ''),
            powered          INTEGER NOT NULL CHECK (powered IN (0, 1)),
            created_at       REAL NOT NULL,
            ready_at         REAL NOT NULL,
            stopped_at       REAL
        );
        CREATE INDEX vms_by_cluster ON vms (cluster);

        CREATE TABLE disks (
            id               INTEGER PRIMARY KEY AUTOINCREMENT,
            cluster          TEXT NOT NULL,
            instance_id      TEXT NOT NULL,
            az               TEXT NOT NULL CHECK (az <> ''),
            size_mib         INTEGER NOT NULL CHECK (size_mib > 0),
            type             TEXT,
            vm_id            INTEGER REFERENCES vms (id) ON DELETE SET NULL,
            idempotency_key  TEXT NOT NULL UNIQUE CHECK (idempotency_key <> ''),
            created_at       REAL NOT NULL
        );
        CREATE INDEX disks_by_cluster ON disks (cluster);
        CREATE INDEX disks_by_vm ON disks (vm_id);

        CREATE TABLE lbs (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            name        TEXT NOT NULL UNIQUE CHECK (name <> ''),
            created_at  REAL NOT NULL
        );
        CREATE TABLE lb_members (
            lb_id  INTEGER NOT NULL REFERENCES lbs (id) ON DELETE CASCADE,
            vm_id  INTEGER NOT NULL REFERENCES vms (id) ON DELETE CASCADE,
            PRIMARY KEY (lb_id, vm_id)
        ) WITHOUT ROWID;
        CREATE INDEX lb_members_by_vm ON lb_members (vm_id);

        -- A job row is its process: `running` jobs report `starting` until ready_at.
        CREATE TABLE jobs (
            vm_id     INTEGER NOT NULL REFERENCES vms (id) ON DELETE CASCADE,
            name      TEXT NOT NULL CHECK (name <> ''),
            state     TEXT NOT NULL CHECK (state IN ('running', 'stopped', 'failed')),
            ready_at  REAL NOT NULL,
            PRIMARY KEY (vm_id, name)
        ) WITHOUT ROWID;

        CREATE TRIGGER vms_counted AFTER INSERT ON vms
            BEGIN UPDATE cloud SET vm_count = vm_count + 1 WHERE id = 1; END;
        CREATE TRIGGER vms_uncounted AFTER DELETE ON vms
            BEGIN UPDATE cloud SET vm_count = vm_count - 1 WHERE id = 1; END;
        CREATE TRIGGER disks_counted AFTER INSERT ON disks
            BEGIN UPDATE cloud SET disk_mib = disk_mib + NEW.size_mib WHERE id = 1; END;
        CREATE TRIGGER disks_uncounted AFTER DELETE ON disks
            BEGIN UPDATE cloud SET disk_mib = disk_mib - OLD.size_mib WHERE id = 1; END;
        CREATE TRIGGER disks_resized AFTER UPDATE OF size_mib ON disks
            BEGIN UPDATE cloud SET disk_mib = disk_mib - OLD.size_mib + NEW.size_mib WHERE id = 1; END;
        """

    // Ways to break the cloud for healing, and a count of calls for benchmarks.
    // jobs.fails_left: how many more starts of the job fail (-1: every start, until cleared);
    // jobs.doomed: the current process reports `failed` instead of `running` once it is ready.
    // vms.silent_since: the agent stopped heartbeating then (NULL: it heartbeats).
    // calls: provider calls per operation, flushed in batches by each process.
    private static let v2 = """
        ALTER TABLE jobs ADD COLUMN fails_left INTEGER NOT NULL DEFAULT 0 CHECK (fails_left >= -1);
        ALTER TABLE jobs ADD COLUMN doomed INTEGER NOT NULL DEFAULT 0 CHECK (doomed IN (0, 1));
        ALTER TABLE vms ADD COLUMN silent_since REAL;

        CREATE TABLE calls (
            operation  TEXT PRIMARY KEY,
            calls      INTEGER NOT NULL DEFAULT 0 CHECK (calls >= 0),
            errors     INTEGER NOT NULL DEFAULT 0 CHECK (errors >= 0)
        ) WITHOUT ROWID;
        """

    // What each VM's agent last received (`NodeAgent.configure`): the node's copy, secrets
    // included, as a real VM keeps it on its own disk. It dies with the VM.
    private static let v3 = """
        CREATE TABLE node_configs (
            vm_id        INTEGER PRIMARY KEY REFERENCES vms (id) ON DELETE CASCADE,
            config       TEXT NOT NULL,
            hash         TEXT NOT NULL,
            received_at  REAL NOT NULL
        );
        """
}
