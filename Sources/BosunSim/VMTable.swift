import BosunProvider
import Foundation
import GRDB

/// The `vms` table. A deleted or killed VM's row is gone, so its idempotency key is free again:
/// a later create with that key makes a new VM, as a lookup by tag on a real cloud would.
/// Deleting a row (`delete`) lets foreign keys detach its disks and drop its jobs and LB
/// memberships.
enum VMTable: ResourceTable {
    static let table = "vms"
    static let kind = SimID.vm
    static let noun = "VM"

    struct Row: Sendable {
        var id: Int64
        var cluster: String
        var group: String
        var index: Int
        var instanceID: String
        var az: String
        var vmType: String
        var image: String
        var idempotencyKey: String
        var powered: Bool
        var readyAt: Double
        var stoppedAt: Double?
        /// When an operator silenced its agent; nil while it heartbeats.
        var silentSince: Double?

        var publicID: String { SimID.format(SimID.vm, id) }

        /// The VM's private address: 10.0.0.0/8, one per VM id, as a DHCP network hands out (a
        /// recreated VM gets a new one).
        var address: String { "10.\((id >> 16) & 255).\((id >> 8) & 255).\(id & 255)" }

        /// Powered VMs report `creating` until their boot time has passed.
        func state(at now: Double) -> VMState {
            guard powered else { return .stopped }
            return now < readyAt ? .creating : .running
        }

        func vm(at now: Double) -> VM {
            VM(
                id: publicID, cluster: cluster, group: group, index: index, instanceID: instanceID, az: az,
                vmType: vmType, image: image, state: state(at: now), idempotencyKey: idempotencyKey, address: address)
        }

        func matches(_ request: VMRequest) -> Bool {
            cluster == request.cluster && group == request.group && index == request.index
                && instanceID == request.instanceID && az == request.az && vmType == request.vmType
                && image == request.image
        }
    }

    static let columns =
        "id, cluster, grp, idx, instance_id, az, vm_type, image, idempotency_key, powered, ready_at, stopped_at, silent_since"

    static func decode(_ row: GRDB.Row) -> Row {
        Row(
            id: row[0], cluster: row[1], group: row[2], index: row[3], instanceID: row[4], az: row[5], vmType: row[6],
            image: row[7], idempotencyKey: row[8], powered: row[9], readyAt: row[10], stoppedAt: row[11],
            silentSince: row[12])
    }

    static func insert(_ db: Database, _ request: VMRequest, now: Double, bootTime: Double) throws -> Row {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO vms (cluster, grp, idx, instance_id, az, vm_type, image, idempotency_key, powered,
                    created_at, ready_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
                """)
        try statement.execute(arguments: [
            request.cluster, request.group, request.index, request.instanceID, request.az, request.vmType,
            request.image, request.idempotencyKey, now, now + bootTime,
        ])
        return Row(
            id: db.lastInsertedRowID, cluster: request.cluster, group: request.group, index: request.index,
            instanceID: request.instanceID, az: request.az, vmType: request.vmType, image: request.image,
            idempotencyKey: request.idempotencyKey, powered: true, readyAt: now + bootTime, stoppedAt: nil)
    }

    /// Powers on: the VM boots again (`creating` for the boot time), its agent is back.
    static func start(_ db: Database, _ rowid: Int64, now: Double, bootTime: Double) throws {
        try db.cachedStatement(sql: "UPDATE vms SET powered = 1, ready_at = ?, stopped_at = NULL WHERE id = ?")
            .execute(arguments: [now + bootTime, rowid])
    }

    /// Powers off: every job stops with it, and the agent's last heartbeat is now.
    static func stop(_ db: Database, _ rowid: Int64, now: Double) throws {
        try db.cachedStatement(sql: "UPDATE vms SET powered = 0, stopped_at = ? WHERE id = ?")
            .execute(arguments: [now, rowid])
        try JobTable.stopAll(db, vm: rowid)
    }

    /// Silences the agent from `now` on (a VM already silent keeps its first moment), or with
    /// `at` nil lets it heartbeat again.
    static func silence(_ db: Database, _ rowid: Int64, at now: Double?) throws {
        try db.cachedStatement(sql: "UPDATE vms SET silent_since = CASE WHEN ? IS NULL THEN NULL ELSE coalesce(silent_since, ?) END WHERE id = ?")
            .execute(arguments: [now, now, rowid])
    }

    /// Checks a create request before anything is written.
    static func validate(_ request: VMRequest) throws {
        for (field, value) in [
            ("cluster", request.cluster), ("group", request.group), ("instanceID", request.instanceID),
            ("az", request.az), ("vmType", request.vmType), ("image", request.image),
            ("idempotencyKey", request.idempotencyKey),
        ] where value.isEmpty {
            throw SimError.invalid("VM request has an empty \(field)")
        }
        guard request.index >= 0 else { throw SimError.invalid("VM index \(request.index) is negative") }
    }
}
