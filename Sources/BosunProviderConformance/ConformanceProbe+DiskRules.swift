import BosunProvider

/// The rules about disks and load-balancer membership.
extension ConformanceProbe {
    func diskCreateIdempotent() async throws(ConformanceFailure) {
        let request = diskRequest(0)
        let first = try await call("createDisk") { try await provider.createDisk(request) }
        let again = try await call("createDisk again with the same key") { try await provider.createDisk(request) }
        try expect(again.id == first.id, "a second createDisk with key \(request.idempotencyKey) made \(again.id) besides \(first.id)")
        let other = try await call("createDisk with another key") { try await provider.createDisk(diskRequest(1)) }
        try expect(other.id != first.id, "createDisk with a new key returned the existing disk \(first.id)")
        let listed = try await disks().filter { $0.idempotencyKey == request.idempotencyKey }.map(\.id)
        try expect(listed == [first.id], "listDisks shows \(listed) for key \(request.idempotencyKey), expected [\(first.id)]")
    }

    func attachMissing() async throws(ConformanceFailure) {
        let gone = try await runningVM(0)
        try await call("deleteVM") { try await provider.deleteVM(id: gone.id) }
        let disk = try await createDisk(0)
        try await expectError("attachDisk to a VM that is gone", .terminal, ProviderError.notFound) {
            try await provider.attachDisk(id: disk.id, to: gone.id)
        }
        try expect(try await self.disk(disk.id)?.attachedTo == nil, "disk \(disk.id) is attached after a refused attach")
        let vm = try await runningVM(1)
        let goneDisk = try await createDisk(1)
        try await call("deleteDisk") { try await provider.deleteDisk(id: goneDisk.id) }
        try await expectError("attachDisk of a disk that is gone", .terminal, ProviderError.notFound) {
            try await provider.attachDisk(id: goneDisk.id, to: vm.id)
        }
    }

    func attachAttachedElsewhere() async throws(ConformanceFailure) {
        let first = try await runningVM(0)
        let second = try await runningVM(1)
        let disk = try await createDisk(0)
        try await call("attachDisk") { try await provider.attachDisk(id: disk.id, to: first.id) }
        try await call("attachDisk again to the same VM") { try await provider.attachDisk(id: disk.id, to: first.id) }
        try await expectError("attachDisk of a disk attached to another VM", .terminal, ProviderError.incorrectState) {
            try await provider.attachDisk(id: disk.id, to: second.id)
        }
        let attached = try await self.disk(disk.id)?.attachedTo
        try expect(attached == first.id, "disk \(disk.id) is attached to \(attached ?? "nothing") after a refused attach, not \(first.id)")
    }

    func detachUnattached() async throws(ConformanceFailure) {
        let disk = try await createDisk(0)
        let incorrectState = ProviderError.incorrectState
        try await expectError("detachDisk of a new disk", .terminal, incorrectState) { try await provider.detachDisk(id: disk.id) }
        let vm = try await runningVM(0)
        try await call("attachDisk") { try await provider.attachDisk(id: disk.id, to: vm.id) }
        try expect(try await self.disk(disk.id)?.attachedTo == vm.id, "disk \(disk.id) is not listed as attached to \(vm.id)")
        try await call("detachDisk") { try await provider.detachDisk(id: disk.id) }
        try expect(try await self.disk(disk.id)?.attachedTo == nil, "disk \(disk.id) is listed as attached after detachDisk returned")
        try await expectError("detachDisk of a detached disk", .terminal, incorrectState) { try await provider.detachDisk(id: disk.id) }
        try await call("deleteDisk") { try await provider.deleteDisk(id: disk.id) }
        try await expectError("detachDisk of a disk that is gone", .terminal, ProviderError.notFound) {
            try await provider.detachDisk(id: disk.id)
        }
    }

    func deleteAttachedDisk() async throws(ConformanceFailure) {
        let vm = try await runningVM(0)
        let disk = try await createDisk(0)
        try await call("attachDisk") { try await provider.attachDisk(id: disk.id, to: vm.id) }
        try await expectError("deleteDisk of an attached disk", .terminal, ProviderError.incorrectState) {
            try await provider.deleteDisk(id: disk.id)
        }
        let after = try await self.disk(disk.id)
        try expect(after?.attachedTo == vm.id, "disk \(disk.id) is \(after == nil ? "gone" : "detached") after a refused delete")
    }

    func deleteVMKeepsDisks() async throws(ConformanceFailure) {
        let vm = try await runningVM(0)
        let disk = try await createDisk(0)
        try await call("attachDisk") { try await provider.attachDisk(id: disk.id, to: vm.id) }
        try await call("deleteVM") { try await provider.deleteVM(id: vm.id) }
        guard let after = try await self.disk(disk.id) else { throw fail("deleting VM \(vm.id) deleted its disk \(disk.id)") }
        try expect(after.attachedTo == nil, "disk \(disk.id) is still attached to \(after.attachedTo ?? "") after its VM was deleted")
    }

    func resize() async throws(ConformanceFailure) {
        let disk = try await createDisk(0)
        let grown = disk.sizeMiB * 2
        try await call("resizeDisk to \(grown) MiB") { try await provider.resizeDisk(id: disk.id, sizeMiB: grown) }
        try expect(try await self.disk(disk.id)?.sizeMiB == grown, "disk \(disk.id) is not listed at \(grown) MiB after its resize returned")
        for size in [disk.sizeMiB, 0, -1] {
            try await expectError("resizeDisk to \(size) MiB", .terminal, ProviderError.invalidParameter) {
                try await provider.resizeDisk(id: disk.id, sizeMiB: size)
            }
        }
        let after = try await self.disk(disk.id)?.sizeMiB
        try expect(after == grown, "disk \(disk.id) is \(after.map(String.init) ?? "gone") MiB after refused resizes, not \(grown)")
    }

    func attachAcrossAZs() async throws(ConformanceFailure) {
        guard fixture.azs.count >= 2 else { throw fail("the fixture needs two AZs") }
        let vm = try await runningVM(0, az: fixture.azs[0])
        let disk = try await createDisk(0, az: fixture.azs[1])
        try await expectError("attachDisk across AZs", .terminal, ProviderError.invalidParameter) {
            try await provider.attachDisk(id: disk.id, to: vm.id)
        }
        try expect(try await self.disk(disk.id)?.attachedTo == nil, "disk \(disk.id) is attached after a refused attach")
    }

    func lbMembership() async throws(ConformanceFailure) {
        let first = try await runningVM(0)
        let second = try await runningVM(1)
        let lb = loadBalancer
        let unknown = lb + "-unknown"
        let none = try await call("listMembers of an LB never used") { try await provider.listMembers(lb: unknown) }
        try expect(none.isEmpty, "listMembers of an LB never used returned \(none)")
        try await call("deregister from an LB never used") { try await provider.deregister(lb: unknown, vmID: first.id) }
        try await call("register") { try await provider.register(lb: lb, vmID: first.id) }
        try await call("register again") { try await provider.register(lb: lb, vmID: first.id) }
        try await call("register another VM") { try await provider.register(lb: lb, vmID: second.id) }
        let both = try await call("listMembers") { try await provider.listMembers(lb: lb) }
        try expect(both.sorted() == [first.id, second.id].sorted(), "listMembers shows \(both), expected [\(first.id), \(second.id)]")
        try await call("deregister") { try await provider.deregister(lb: lb, vmID: first.id) }
        try await call("deregister again") { try await provider.deregister(lb: lb, vmID: first.id) }
        let left = try await call("listMembers") { try await provider.listMembers(lb: lb) }
        try expect(left == [second.id], "listMembers shows \(left) after deregistering \(first.id), expected [\(second.id)]")
        try await call("deleteVM") { try await provider.deleteVM(id: first.id) }
        try await expectError("register of a VM that is gone", .terminal, ProviderError.notFound) {
            try await provider.register(lb: lb, vmID: first.id)
        }
    }
}
