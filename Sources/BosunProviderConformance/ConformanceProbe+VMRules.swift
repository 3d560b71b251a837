import BosunProvider

/// The rules about VMs, listing and classification.
extension ConformanceProbe {
    func vmCreateIdempotent() async throws(ConformanceFailure) {
        let request = vmRequest(0)
        let first = try await call("createVM") { try await provider.createVM(request) }
        let again = try await call("createVM again with the same key") { try await provider.createVM(request) }
        try expect(again.id == first.id, "a second createVM with key \(request.idempotencyKey) made \(again.id) besides \(first.id)")
        let other = try await call("createVM with another key") { try await provider.createVM(vmRequest(1)) }
        try expect(other.id != first.id, "createVM with a new key returned the existing VM \(first.id)")
        let listed = try await vms().filter { $0.idempotencyKey == request.idempotencyKey }.map(\.id)
        try expect(listed == [first.id], "listVMs shows \(listed) for key \(request.idempotencyKey), expected [\(first.id)]")
    }

    func listAfterCreate() async throws(ConformanceFailure) {
        let vm = try await call("createVM") { try await provider.createVM(vmRequest(0)) }
        let disk = try await createDisk(0)
        try expect(try await self.vm(vm.id) != nil, "VM \(vm.id) is not in the list right after its create returned")
        try expect(try await self.disk(disk.id) != nil, "disk \(disk.id) is not in the list right after its create returned")
        let other = cluster + "-other"
        let otherVMs = try await call("listVMs(\(other))") { try await provider.listVMs(cluster: other) }
        let otherDisks = try await call("listDisks(\(other))") { try await provider.listDisks(cluster: other) }
        try expect(!otherVMs.contains { $0.id == vm.id }, "VM \(vm.id) of \(cluster) is listed in cluster \(other)")
        try expect(!otherDisks.contains { $0.id == disk.id }, "disk \(disk.id) of \(cluster) is listed in cluster \(other)")
        try await call("deleteVM") { try await provider.deleteVM(id: vm.id) }
        try await call("deleteDisk") { try await provider.deleteDisk(id: disk.id) }
        try expect(try await self.vm(vm.id) == nil, "VM \(vm.id) is still listed after its delete returned")
        try expect(try await self.disk(disk.id) == nil, "disk \(disk.id) is still listed after its delete returned")
    }

    func deleteMissingSucceeds() async throws(ConformanceFailure) {
        let vm = try await call("createVM") { try await provider.createVM(vmRequest(0)) }
        let disk = try await createDisk(0)
        try await call("deleteVM") { try await provider.deleteVM(id: vm.id) }
        try await call("deleteVM of a VM already deleted") { try await provider.deleteVM(id: vm.id) }
        try await call("deleteDisk") { try await provider.deleteDisk(id: disk.id) }
        try await call("deleteDisk of a disk already deleted") { try await provider.deleteDisk(id: disk.id) }
    }

    func startStop() async throws(ConformanceFailure) {
        let vm = try await runningVM(0)
        try await call("stopVM") { try await provider.stopVM(id: vm.id) }
        try expect(try await self.vm(vm.id)?.state == .stopped, "VM \(vm.id) is not listed as stopped after stopVM returned")
        try await call("stopVM of a stopped VM") { try await provider.stopVM(id: vm.id) }
        try await call("startVM") { try await provider.startVM(id: vm.id) }
        let started = try await self.vm(vm.id)?.state
        try expect(started == .running || started == .creating, "VM \(vm.id) is listed as \(started.map(\.rawValue) ?? "gone") after startVM returned")
        try await eventually("VM \(vm.id) running again") { () async throws(ConformanceFailure) in try await self.vm(vm.id)?.state == .running }
        try await call("startVM of a running VM") { try await provider.startVM(id: vm.id) }
        try await call("deleteVM") { try await provider.deleteVM(id: vm.id) }
        try await expectError("startVM of a VM that is gone", .terminal, ProviderError.notFound) { try await provider.startVM(id: vm.id) }
        try await expectError("stopVM of a VM that is gone", .terminal, ProviderError.notFound) { try await provider.stopVM(id: vm.id) }
    }

    func errorClassification() async throws(ConformanceFailure) {
        let gone = try await call("createVM") { try await provider.createVM(vmRequest(0)) }
        try await call("deleteVM") { try await provider.deleteVM(id: gone.id) }
        let notFound = ProviderError.notFound
        try await expectError("startVM of a VM that is gone", .terminal, notFound) { try await provider.startVM(id: gone.id) }
        try await expectError("stopVM of a VM that is gone", .terminal, notFound) { try await provider.stopVM(id: gone.id) }
        try await expectError("register of a VM that is gone", .terminal, notFound) {
            try await provider.register(lb: loadBalancer, vmID: gone.id)
        }
        for size in [0, -1] {
            var request = diskRequest(size == 0 ? 1 : 2)
            request.sizeMiB = size
            try await expectError("createDisk of \(size) MiB", .terminal, ProviderError.invalidParameter) { [request] in
                try await provider.createDisk(request)
            }
            let made = try await disks().filter { $0.idempotencyKey == request.idempotencyKey }
            try expect(made.isEmpty, "a refused createDisk of \(size) MiB still made \(made.map(\.id))")
        }
    }

    func tagsRoundTrip() async throws(ConformanceFailure) {
        guard fixture.azs.count >= 2 else { throw fail("the fixture needs two AZs") }
        let requests = [vmRequest(0, group: "master"), vmRequest(3, az: fixture.azs[1])]
        for request in requests { _ = try await call("createVM") { try await provider.createVM(request) } }
        let listed = try await vms()
        for request in requests {
            guard let vm = listed.first(where: { $0.idempotencyKey == request.idempotencyKey }) else {
                throw fail("no listed VM carries key \(request.idempotencyKey)")
            }
            let back = VMRequest(
                cluster: vm.cluster, group: vm.group, index: vm.index, instanceID: vm.instanceID, az: vm.az,
                vmType: vm.vmType, image: vm.image, idempotencyKey: vm.idempotencyKey)
            try expect(back == request, "VM \(vm.id) came back from list as \(back), created as \(request)")
        }
        let diskRequests = [diskRequest(0, type: .some(nil)), diskRequest(1, az: fixture.azs[1])]
        for request in diskRequests { _ = try await call("createDisk") { try await provider.createDisk(request) } }
        let disks = try await disks()
        for request in diskRequests {
            guard let disk = disks.first(where: { $0.idempotencyKey == request.idempotencyKey }) else {
                throw fail("no listed disk carries key \(request.idempotencyKey)")
            }
            let back = DiskRequest(
                cluster: disk.cluster, instanceID: disk.instanceID, az: disk.az, sizeMiB: disk.sizeMiB, type: disk.type,
                idempotencyKey: disk.idempotencyKey)
            try expect(back == request, "disk \(disk.id) came back from list as \(back), created as \(request)")
        }
    }

    func concurrentCreate() async throws(ConformanceFailure) {
        let vmRequest = vmRequest(0)
        let diskRequest = diskRequest(0)
        let vmIDs = try await concurrently("createVM") { try await provider.createVM(vmRequest).id }
        let diskIDs = try await concurrently("createDisk") { try await provider.createDisk(diskRequest).id }
        try expect(Set(vmIDs).count == 1, "16 concurrent createVM with one key returned \(Set(vmIDs).sorted())")
        try expect(Set(diskIDs).count == 1, "16 concurrent createDisk with one key returned \(Set(diskIDs).sorted())")
        let listedVMs = try await vms().filter { $0.idempotencyKey == vmRequest.idempotencyKey }
        let listedDisks = try await disks().filter { $0.idempotencyKey == diskRequest.idempotencyKey }
        try expect(listedVMs.count == 1, "\(listedVMs.count) VMs are listed with key \(vmRequest.idempotencyKey)")
        try expect(listedDisks.count == 1, "\(listedDisks.count) disks are listed with key \(diskRequest.idempotencyKey)")
    }

    func keyParameterMismatch() async throws(ConformanceFailure) {
        let request = vmRequest(0)
        _ = try await call("createVM") { try await provider.createVM(request) }
        var changed = request
        changed.image = request.image + "-other"
        try await expectError("createVM with a known key and another image", .terminal, nil) { [changed] in try await provider.createVM(changed) }
        let disk = diskRequest(0)
        _ = try await call("createDisk") { try await provider.createDisk(disk) }
        var bigger = disk
        bigger.sizeMiB = disk.sizeMiB * 2
        try await expectError("createDisk with a known key and another size", .terminal, nil) { [bigger] in try await provider.createDisk(bigger) }
        let vmCount = try await vms().filter { $0.idempotencyKey == request.idempotencyKey }.count
        let diskCount = try await disks().filter { $0.idempotencyKey == disk.idempotencyKey }.count
        try expect(vmCount == 1 && diskCount == 1, "\(vmCount) VMs and \(diskCount) disks are listed with the reused keys")
    }

    /// Runs `body` from 16 tasks at once and returns what each got.
    private func concurrently(_ what: String, _ body: @escaping @Sendable () async throws -> String) async throws(ConformanceFailure) -> [String] {
        do {
            return try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<16 { group.addTask { try await call(what, body) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        } catch let failure as ConformanceFailure {
            throw failure
        } catch {
            throw fail("\(what) from 16 tasks: \(error)")
        }
    }
}
