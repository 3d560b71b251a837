import BosunProvider
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

extension LocalCloud {
    private func disk(_ row: Row) -> Disk {
        Disk(
            id: row["id"], cluster: row["cluster"], instanceID: row["instance_id"], az: row["az"], sizeMiB: row["size_mib"],
            type: row["type"], attachedTo: row["attached_to"], idempotencyKey: row["idempotency_key"])
    }

    public func listDisks(cluster: String) async throws -> [Disk] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM disks WHERE cluster = ? ORDER BY id", arguments: [cluster]).map(disk) }
    }

    public func createDisk(_ request: DiskRequest) async throws -> Disk {
        guard request.sizeMiB > 0 else { throw LocalError.terminal("InvalidParameter", "disk size must be positive") }
        return try write { db in
            if let existing = try Row.fetchOne(db, sql: "SELECT * FROM disks WHERE idempotency_key = ?", arguments: [request.idempotencyKey]) {
                return disk(existing)
            }
            let id = ids("disk")
            do {
                try FileManager.default.createDirectory(atPath: diskDirectory(id), withIntermediateDirectories: true)
            } catch {
                throw LocalError.terminal("LocalFailure", "cannot create \(diskDirectory(id)): \(error)")
            }
            try db.execute(
                sql: "INSERT INTO disks (id, cluster, instance_id, az, size_mib, type, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [id, request.cluster, request.instanceID, request.az, request.sizeMiB, request.type, request.idempotencyKey])
            return Disk(
                id: id, cluster: request.cluster, instanceID: request.instanceID, az: request.az, sizeMiB: request.sizeMiB,
                type: request.type, attachedTo: nil, idempotencyKey: request.idempotencyKey)
        }
    }

    public func attachDisk(id: String, to vmID: String) async throws {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM disks WHERE id = ?", arguments: [id]) else {
                throw LocalError.terminal("NotFound", "disk \(id) does not exist")
            }
            guard try vmRow(db, vmID) != nil else { throw LocalError.terminal("NotFound", "VM \(vmID) does not exist") }
            let attached: String? = row["attached_to"]
            if let attached, attached != vmID { throw LocalError.terminal("IncorrectState", "disk \(id) is attached to \(attached)") }
            let link = vmDirectory(vmID) + "/store"
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) != diskDirectory(id) {
                try unlinkStore(vmID)
                do {
                    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: diskDirectory(id))
                } catch {
                    throw LocalError.terminal("LocalFailure", "cannot link \(link): \(error)")
                }
            }
            try db.execute(sql: "UPDATE disks SET attached_to = ? WHERE id = ?", arguments: [vmID, id])
        }
    }

    public func detachDisk(id: String) async throws {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM disks WHERE id = ?", arguments: [id]) else {
                throw LocalError.terminal("NotFound", "disk \(id) does not exist")
            }
            guard let vmID: String = row["attached_to"] else { throw LocalError.terminal("IncorrectState", "disk \(id) is not attached") }
            try unlinkStore(vmID)
            try db.execute(sql: "UPDATE disks SET attached_to = NULL WHERE id = ?", arguments: [id])
        }
    }

    public func deleteDisk(id: String) async throws {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM disks WHERE id = ?", arguments: [id]) else { return }
            if let vmID: String = row["attached_to"] { throw LocalError.terminal("IncorrectState", "disk \(id) is attached to \(vmID)") }
            try db.execute(sql: "DELETE FROM disks WHERE id = ?", arguments: [id])
        }
        try? FileManager.default.removeItem(atPath: diskDirectory(id))
    }

    public func resizeDisk(id: String, sizeMiB: Int) async throws {
        try write { db in
            guard let size = try Int.fetchOne(db, sql: "SELECT size_mib FROM disks WHERE id = ?", arguments: [id]) else {
                throw LocalError.terminal("NotFound", "disk \(id) does not exist")
            }
            guard sizeMiB > 0, sizeMiB >= size else { throw LocalError.terminal("InvalidParameter", "disk \(id) cannot shrink from \(size) to \(sizeMiB) MiB") }
            // A directory has no size of its own: the figure is recorded, as the cloud's would be.
            try db.execute(sql: "UPDATE disks SET size_mib = ? WHERE id = ?", arguments: [sizeMiB, id])
        }
    }

    /// Removes the VM's `store` link; anything else found there (a directory of data) is left
    /// alone and is an error, never deleted.
    private func unlinkStore(_ vmID: String) throws(ProviderError) {
        let link = vmDirectory(vmID) + "/store"
        var info = stat()
        guard lstat(link, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFLNK, unlink(link) == 0 else {
            throw LocalError.terminal("IncorrectState", "\(link) is not a disk link; left as it is")
        }
    }
}
