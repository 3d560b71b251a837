import BosunProvider

extension SimCloud {
    public func listDisks(cluster: String) async throws -> [Disk] {
        try await perform(.listDisks) { db, _ in try DiskTable.inCluster(db, cluster).map(\.disk) }
    }

    /// A known key returns its disk (terminal `IdempotentParameterMismatch` if the request
    /// differs); a new one counts against `maxDiskGiB` (terminal `QuotaExceeded`). A size below
    /// 1 MiB or an empty field is a terminal `InvalidParameter`.
    public func createDisk(_ request: DiskRequest) async throws -> Disk {
        try await perform(.createDisk) { db, moment in
            if let existing = try DiskTable.find(db, key: request.idempotencyKey) {
                guard existing.matches(request) else { throw SimError.keyReused(request.idempotencyKey, by: existing.publicID) }
                return existing.disk
            }
            try DiskTable.validate(request)
            try DiskTable.checkQuota(moment.cloud, extraMiB: request.sizeMiB)
            return try DiskTable.insert(db, request, now: moment.now).disk
        }
    }

    /// Disks attach only within their AZ (terminal `InvalidParameter` otherwise), as on every
    /// real cloud.
    public func attachDisk(id: String, to vmID: String) async throws {
        try await perform(.attachDisk) { db, _ in
            let disk = try DiskTable.require(db, id: id)
            let vm = try VMTable.require(db, id: vmID)
            if disk.vmID == vm.id { return }
            if let other = disk.vmID {
                throw SimError.incorrectState("disk \(id) is attached to \(SimID.format(SimID.vm, other))")
            }
            guard disk.az == vm.az else {
                throw SimError.invalid("disk \(id) is in \(disk.az) and VM \(vmID) in \(vm.az)")
            }
            try DiskTable.setAttachment(db, disk.id, vm: vm.id)
        }
    }

    public func detachDisk(id: String) async throws {
        try await perform(.detachDisk) { db, _ in try DiskTable.detach(db, id: id) }
    }

    public func deleteDisk(id: String) async throws {
        try await perform(.deleteDisk) { db, _ in
            guard let disk = try DiskTable.find(db, id: id) else { return }
            if let vm = disk.vmID {
                throw SimError.incorrectState("disk \(id) is attached to \(SimID.format(SimID.vm, vm)); detach it first")
            }
            try DiskTable.delete(db, disk.id)
        }
    }

    /// Growth counts against `maxDiskGiB` (terminal `QuotaExceeded`); the same size is a no-op.
    public func resizeDisk(id: String, sizeMiB: Int) async throws {
        try await perform(.resizeDisk) { db, moment in
            guard sizeMiB > 0 else { throw SimError.invalid("disk size \(sizeMiB) MiB is not positive") }
            let disk = try DiskTable.require(db, id: id)
            guard sizeMiB >= disk.sizeMiB else {
                throw SimError.invalid("disk \(id) cannot shrink from \(disk.sizeMiB) MiB to \(sizeMiB) MiB")
            }
            guard sizeMiB > disk.sizeMiB else { return }
            try DiskTable.checkQuota(moment.cloud, extraMiB: sizeMiB - disk.sizeMiB)
            try DiskTable.resize(db, disk.id, sizeMiB: sizeMiB)
        }
    }
}
