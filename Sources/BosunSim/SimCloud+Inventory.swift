import BosunProvider
import GRDB

extension SimCloud: InventoryProvider {
    /// VMs by rowid, each page's VMs with their agent reports and memberships, then disks by
    /// rowid; a page that runs out of VMs fills up with disks. The token is the last rowid seen
    /// (`vm:42`, `disk:7`), so a page costs one read transaction of three indexed range scans,
    /// whatever the number of clusters, and a resource created behind the cursor waits for the
    /// next sweep instead of shifting the pages.
    public func inventoryPage(loadBalancers: Set<String>, pageToken: String?) async throws -> InventoryPage {
        let cursor = try Cursor(pageToken)
        let size = inventoryPageSize
        return try await perform(.inventoryPage) { db, moment in
            var page = InventoryPage()
            var after = cursor
            if case .vms(let last) = after {
                let rows = try GRDB.Row.fetchAll(
                    db.cachedStatement(sql: "SELECT \(VMTable.columns) FROM vms WHERE id > ? ORDER BY id LIMIT ?"),
                    arguments: [last, size]
                ).map(VMTable.decode)
                page.vms = rows.map { $0.vm(at: moment.now) }
                if let first = rows.first, let lastRow = rows.last {
                    let span = first.id...lastRow.id
                    for (_, report) in try JobTable.health(db, rows: span, now: moment.now) { page.health[report.vmID] = report }
                    page.members = try Self.members(db, rows: span, of: loadBalancers)
                }
                if rows.count == size {
                    page.nextToken = Cursor.vms(after: rows[rows.count - 1].id).token
                    return page
                }
                after = .disks(after: 0)
            }
            guard case .disks(let last) = after else { return page }
            let room = size - page.vms.count
            let disks = try GRDB.Row.fetchAll(
                db.cachedStatement(sql: "SELECT \(DiskTable.columns) FROM disks WHERE id > ? ORDER BY id LIMIT ?"),
                arguments: [last, room]
            ).map(DiskTable.decode)
            page.disks = disks.map(\.disk)
            if disks.count == room, let lastDisk = disks.last { page.nextToken = Cursor.disks(after: lastDisk.id).token }
            return page
        }
    }

    /// Memberships of the VMs with rowids in `rows`, in the load balancers named `names`.
    /// Filtered here rather than in SQL: the names can outnumber SQLite's bound parameters.
    private static func members(_ db: Database, rows: ClosedRange<Int64>, of names: Set<String>) throws -> [String: [String]] {
        guard !names.isEmpty else { return [:] }
        let statement = try db.cachedStatement(
            sql: "SELECT l.name, m.vm_id FROM lb_members m JOIN lbs l ON l.id = m.lb_id WHERE m.vm_id BETWEEN ? AND ? ORDER BY m.vm_id")
        var out: [String: [String]] = [:]
        let cursor = try GRDB.Row.fetchCursor(statement, arguments: [rows.lowerBound, rows.upperBound])
        while let row = try cursor.next() {
            let name: String = row[0]
            guard names.contains(name) else { continue }
            out[name, default: []].append(SimID.format(SimID.vm, row[1] as Int64))
        }
        return out
    }

    /// Where a sweep stands: after which VM rowid, or after which disk rowid.
    private enum Cursor {
        case vms(after: Int64)
        case disks(after: Int64)

        /// nil is the first page; anything unreadable is a terminal `InvalidParameter`.
        init(_ token: String?) throws(ProviderError) {
            guard let token else {
                self = .vms(after: 0)
                return
            }
            let parts = token.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let rowid = Int64(parts[1]), rowid >= 0 else {
                throw SimError.invalid("inventory page token '\(token)' is not one this sim issued")
            }
            switch parts[0] {
            case "vm": self = .vms(after: rowid)
            case "disk": self = .disks(after: rowid)
            default: throw SimError.invalid("inventory page token '\(token)' is not one this sim issued")
            }
        }

        var token: String {
            switch self {
            case .vms(let rowid): "vm:\(rowid)"
            case .disks(let rowid): "disk:\(rowid)"
            }
        }
    }
}
