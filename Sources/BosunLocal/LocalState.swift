import Foundation
import GRDB

/// The local provider's own records, in `local.db` under its root: which VMs, disks and load
/// balancers exist, their addresses and the processes that are them. Shared by every process
/// that opens the root (the controller, `bosun local …`, the agents), like the sim's file.
struct LocalState: Sendable {
    let queue: DatabaseQueue

    /// Opens (creating) the state file under `root`; throws when the directory is not usable.
    init(root: String) throws {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.foreignKeysEnabled = true
        config.label = "bosun-local"
        queue = try DatabaseQueue(path: root + "/local.db", configuration: config)
        try Self.migrator.migrate(queue)
    }

    private static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE blocks (
                    cluster TEXT PRIMARY KEY,
                    prefix TEXT NOT NULL UNIQUE            -- '127.A.B'
                );
                CREATE TABLE addresses (
                    instance_id TEXT PRIMARY KEY,          -- an instance keeps its address for life
                    cluster TEXT NOT NULL,
                    address TEXT NOT NULL UNIQUE
                );
                CREATE TABLE vms (
                    id TEXT PRIMARY KEY,
                    cluster TEXT NOT NULL,
                    grp TEXT NOT NULL,
                    idx INTEGER NOT NULL,
                    instance_id TEXT NOT NULL,
                    az TEXT NOT NULL,
                    vm_type TEXT NOT NULL,
                    image TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL UNIQUE,
                    address TEXT NOT NULL,
                    state TEXT NOT NULL,                   -- running | stopped
                    pid INTEGER,                           -- root of the VM's process tree
                    pid_start INTEGER,                     -- its start time (clock ticks): pids are reused
                    died_at REAL,                          -- when the tree was first seen gone
                    created_at REAL NOT NULL
                );
                CREATE INDEX vms_cluster ON vms(cluster);
                CREATE TABLE disks (
                    id TEXT PRIMARY KEY,
                    cluster TEXT NOT NULL,
                    instance_id TEXT NOT NULL,
                    az TEXT NOT NULL,
                    size_mib INTEGER NOT NULL,
                    type TEXT,
                    idempotency_key TEXT NOT NULL UNIQUE,
                    attached_to TEXT
                );
                CREATE INDEX disks_cluster ON disks(cluster);
                CREATE TABLE lbs (
                    name TEXT PRIMARY KEY,
                    cluster TEXT NOT NULL,
                    address TEXT NOT NULL UNIQUE,
                    port INTEGER,
                    check_port INTEGER,
                    check_path TEXT,
                    pid INTEGER,
                    pid_start INTEGER
                );
                CREATE TABLE lb_members (
                    lb TEXT NOT NULL REFERENCES lbs(name) ON DELETE CASCADE,
                    vm_id TEXT NOT NULL,
                    PRIMARY KEY (lb, vm_id)
                );
                """)
        }
        return m
    }
}
