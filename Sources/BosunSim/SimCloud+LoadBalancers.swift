import BosunProvider

extension SimCloud {
    public func listMembers(lb: String) async throws -> [String] {
        try await perform(.listMembers) { db, _ in try LoadBalancerTable.members(db, lb: lb) }
    }

    /// An empty LB name is a terminal `InvalidParameter`.
    public func register(lb: String, vmID: String) async throws {
        try await perform(.register) { db, moment in
            guard !lb.isEmpty else { throw SimError.invalid("load balancer name is empty") }
            let vm = try VMTable.require(db, id: vmID)
            try LoadBalancerTable.register(db, lb: lb, vm: vm.id, now: moment.now)
        }
    }

    public func deregister(lb: String, vmID: String) async throws {
        try await perform(.deregister) { db, _ in
            guard let rowid = SimID.parse(vmID, SimID.vm) else { return }
            try LoadBalancerTable.deregister(db, lb: lb, vm: rowid)
        }
    }
}
