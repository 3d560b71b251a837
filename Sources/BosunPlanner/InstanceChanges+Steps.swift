import BosunModel
import BosunProvider

/// The disk and load balancer steps the chains of `InstanceChanges` are made of.
extension InstanceChanges {
    /// Grow in place and re-attach, with their reasons.
    func inPlaceDiskSteps(_ vm: VM) -> (steps: [ActionKind], reasons: [String]) {
        guard let want = group.disk, let disk else { return ([], []) }
        var steps: [ActionKind] = []
        var reasons: [String] = []
        if disk.sizeMiB < want.sizeMiB {
            steps.append(.resizeDisk(diskID: disk.id, sizeMiB: want.sizeMiB))
            reasons.append("disk \(disk.sizeMiB) → \(want.sizeMiB) MiB (grown in place)")
        }
        if disk.attachedTo != vm.id {
            steps.append(.attachDisk(diskID: disk.id))
            reasons.append(readopted ? "re-adopting its orphaned disk \(disk.id)" : "disk \(disk.id) detached")
        }
        return (steps, reasons)
    }

    /// Disk steps for a freshly created VM: re-attach the instance's disk, or create one.
    func diskSteps(forNewVM: Bool, reason: inout String) -> [ActionKind] {
        guard let want = group.disk else {
            if let disk { return disk.attachedTo == nil ? [.orphanDisk(diskID: disk.id)] : [] }
            return []
        }
        if let disk, disk.az == az, disk.type == want.type, disk.sizeMiB <= want.sizeMiB {
            var steps: [ActionKind] = [.attachDisk(diskID: disk.id)]
            if disk.sizeMiB < want.sizeMiB { steps.insert(.resizeDisk(diskID: disk.id, sizeMiB: want.sizeMiB), at: 0) }
            return steps
        }
        var steps = newDiskSteps(&reason)
        if let disk { steps.append(.orphanDisk(diskID: disk.id)) }
        return steps
    }

    func newDiskSteps(_ reason: inout String) -> [ActionKind] {
        guard let want = group.disk else { return [] }
        return [.createDisk(az: az, sizeMiB: want.sizeMiB, type: want.type), .attachDisk(diskID: nil)]
    }

    /// A disk change that cannot be done in place: shrink, type change, disk added or removed.
    func diskNeedsSwap(_ reason: inout String) -> Bool {
        switch (group.disk, disk) {
        case (nil, nil): return false
        case (nil, let d?):
            reason = "disk removed from spec (\(d.id) kept as orphan)"
            return true
        case (let want?, nil):
            reason = "disk added (\(want.sizeMiB) MiB)"
            return true
        case (let want?, let d?):
            if d.type != want.type {
                reason = "disk type \(d.type ?? "default") → \(want.type ?? "default")"
                return true
            }
            if d.sizeMiB > want.sizeMiB {
                reason = "disk \(d.sizeMiB) → \(want.sizeMiB) MiB (cannot shrink in place: new disk, old kept)"
                return true
            }
            return false
        }
    }

    /// Deregistration from every LB the VM is in (`all`), or only from LBs the spec does not name.
    func deregistrations(all: Bool) -> [ActionKind] {
        guard let vm else { return [] }
        return memberOf.sorted().filter { all || $0 != group.loadBalancer }.map { .deregister(lb: $0, vmID: vm.id) }
    }

    func registration(afterDeregistering: Bool) -> [ActionKind] {
        guard let lb = group.loadBalancer else { return [] }
        if !afterDeregistering, memberOf.contains(lb) { return [] }
        return [.register(lb: lb)]
    }
}
