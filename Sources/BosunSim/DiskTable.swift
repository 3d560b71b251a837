import BosunProvider
import GRDB

/// The `disks` table. A disk outlives its VM: deleting or killing the VM only detaches it.
enum DiskTable: ResourceTable {
    static let table = "disks"
    static let kind = SimID.disk
    static let noun = "disk"

    struct Row: Sendable {
        var id: Int64
        var cluster: String
        var instanceID: String
        var az: String
        var sizeMiB: Int
        var type: String?
        var vmID: Int64?
        var idempotencyKey: String

        var publicID: String { SimID.format(SimID.disk, id) }

        var disk: Disk {
            Disk(
                id: publicID, cluster: cluster, instanceID: instanceID, az: az, sizeMiB: sizeMiB, type: type,
                attachedTo: vmID.map { SimID.format(SimID.vm, $0) }, idempotencyKey: idempotencyKey)
        }

        func matches(_ request: DiskRequest) -> Bool {
            cluster == request.cluster && instanceID == request.instanceID && az == request.az
                && sizeMiB == request.sizeMiB && type == request.type
        }
    }

    static let columns = "id, cluster, instance_id, az, size_mib, type, vm_id, idempotency_key"

    static func decode(_ row: GRDB.Row) -> Row {
        Row(
            id: row[0], cluster: row[1], instanceID: row[2], az: row[3], sizeMiB: row[4], type: row[5], vmID: row[6],
            idempotencyKey: row[7])
    }

    static func insert(_ db: Database, _ request: DiskRequest, now: Double) throws -> Row {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO disks (cluster, instance_id, az, size_mib, type, idempotency_key, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        try statement.execute(arguments: [
            request.cluster, request.instanceID, request.az, request.sizeMiB, request.type, request.idempotencyKey, now,
        ])
        return Row(
            id: db.lastInsertedRowID, cluster: request.cluster, instanceID: request.instanceID, az: request.az,
            sizeMiB: request.sizeMiB, type: request.type, vmID: nil, idempotencyKey: request.idempotencyKey)
    }

    static func setAttachment(_ db: Database, _ rowid: Int64, vm: Int64?) throws {
        try db.cachedStatement(sql: "UPDATE disks SET vm_id = ? WHERE id = ?").execute(arguments: [vm, rowid])
    }

    static func resize(_ db: Database, _ rowid: Int64, sizeMiB: Int) throws {
        try db.cachedStatement(sql: "UPDATE disks SET size_mib = ? WHERE id = ?").execute(arguments: [sizeMiB, rowid])
    }

    /// Detaches with the rules every provider shares: missing → `NotFound`, not attached →
    /// `IncorrectState`.
    static func detach(_ db: Database, id: String) throws {
        let disk = try require(db, id: id)
        guard disk.vmID != nil else { throw SimError.incorrectState("disk \(id) is not attached") }
        try setAttachment(db, disk.id, vm: nil)
    }

    /// Checks a create request before anything is written.
    static func validate(_ request: DiskRequest) throws {
        guard request.sizeMiB > 0 else { throw SimError.invalid("disk size \(request.sizeMiB) MiB is not positive") }
        for (field, value) in [
            ("cluster", request.cluster), ("instanceID", request.instanceID), ("az", request.az),
            ("idempotencyKey", request.idempotencyKey),
        ] where value.isEmpty {
            throw SimError.invalid("disk request has an empty \(field)")
        }
    }

    /// Would `extraMiB` more disk break the quota?
    static func checkQuota(_ cloud: CloudTable.Row, extraMiB: Int) throws {
        guard let max = cloud.maxDiskGiB, extraMiB > 0 else { return }
        guard cloud.diskMiB + extraMiB <= max * 1024 else {
            throw SimError.quota("disk quota of \(max) GiB exceeded (\(cloud.diskMiB) MiB in use, \(extraMiB) MiB more asked)")
        }
    }
}
