import BosunProvider

extension SimCloud: InfrastructureProvider {
    public func listVMs(cluster: String) async throws -> [VM] {
        try await perform(.listVMs) { db, moment in
            try VMTable.inCluster(db, cluster).map { $0.vm(at: moment.now) }
        }
    }

    /// A known key returns its VM (terminal `IdempotentParameterMismatch` if the request differs);
    /// a new one counts against `maxVMs` (terminal `QuotaExceeded`). An empty field or a negative
    /// index is a terminal `InvalidParameter`.
    public func createVM(_ request: VMRequest) async throws -> VM {
        try await perform(.createVM) { db, moment in
            if let existing = try VMTable.find(db, key: request.idempotencyKey) {
                guard existing.matches(request) else { throw SimError.keyReused(request.idempotencyKey, by: existing.publicID) }
                return existing.vm(at: moment.now)
            }
            try VMTable.validate(request)
            if let max = moment.cloud.maxVMs, moment.cloud.vmCount >= max {
                throw SimError.quota("VM quota of \(max) reached")
            }
            return try VMTable.insert(db, request, now: moment.now, bootTime: moment.cloud.bootTime).vm(at: moment.now)
        }
    }

    public func deleteVM(id: String) async throws {
        try await perform(.deleteVM) { db, _ in
            guard let vm = try VMTable.find(db, id: id) else { return }
            try VMTable.delete(db, vm.id)
        }
    }

    public func startVM(id: String) async throws {
        try await perform(.startVM) { db, moment in
            let vm = try VMTable.require(db, id: id)
            guard !vm.powered else { return }
            try VMTable.start(db, vm.id, now: moment.now, bootTime: moment.cloud.bootTime)
        }
    }

    public func stopVM(id: String) async throws {
        try await perform(.stopVM) { db, moment in
            let vm = try VMTable.require(db, id: id)
            guard vm.powered else { return }
            try VMTable.stop(db, vm.id, now: moment.now)
        }
    }
}
