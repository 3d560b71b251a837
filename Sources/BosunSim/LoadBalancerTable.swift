import GRDB

/// The `lbs` and `lb_members` tables. A load balancer is created by the first registration
/// under its name and lives until the cloud is reset.
enum LoadBalancerTable {
    static func members(_ db: Database, lb: String) throws -> [String] {
        let statement = try db.cachedStatement(
            sql: "SELECT m.vm_id FROM lb_members m JOIN lbs l ON l.id = m.lb_id WHERE l.name = ? ORDER BY m.vm_id")
        return try Int64.fetchAll(statement, arguments: [lb]).map { SimID.format(SimID.vm, $0) }
    }

    /// Every load balancer by name, with its members, for the operator.
    static func all(_ db: Database) throws -> [SimLoadBalancer] {
        let rows = try Row.fetchAll(
            db, sql: "SELECT l.name, m.vm_id FROM lbs l LEFT JOIN lb_members m ON m.lb_id = l.id ORDER BY l.name, m.vm_id")
        var result: [SimLoadBalancer] = []
        for row in rows {
            let name: String = row[0]
            if result.last?.name != name { result.append(SimLoadBalancer(name: name, members: [])) }
            if let vm: Int64 = row[1] { result[result.count - 1].members.append(SimID.format(SimID.vm, vm)) }
        }
        return result
    }

    static func exists(_ db: Database, lb: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM lbs WHERE name = ?"), arguments: [lb]) ?? false
    }

    static func register(_ db: Database, lb: String, vm: Int64, now: Double) throws {
        try db.cachedStatement(sql: "INSERT INTO lbs (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
            .execute(arguments: [lb, now])
        try db.cachedStatement(
            sql: "INSERT INTO lb_members (lb_id, vm_id) SELECT id, ? FROM lbs WHERE name = ? ON CONFLICT DO NOTHING"
        ).execute(arguments: [vm, lb])
    }

    /// Removes the membership; true if there was one.
    @discardableResult
    static func deregister(_ db: Database, lb: String, vm: Int64) throws -> Bool {
        try db.cachedStatement(
            sql: "DELETE FROM lb_members WHERE vm_id = ? AND lb_id = (SELECT id FROM lbs WHERE name = ?)"
        ).execute(arguments: [vm, lb])
        return db.changesCount > 0
    }
}
