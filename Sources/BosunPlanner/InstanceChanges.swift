import BosunModel
import BosunProvider

/// The classification of one desired instance against what is observed and recorded
/// (`semantics.md`, change classification), turned into the chain of steps that fixes it.
struct InstanceChanges {
    let id: String
    let group: GroupSpec
    let index: Int
    let az: String
    let spec: ClusterSpec
    let vm: VM?
    var disk: Disk?
    let record: InstanceRecord?
    let memberOf: Set<String>
    let health: NodeHealth?
    /// `JobsConfig.hash` of the group, computed once per group by the caller.
    let jobsHash: String
    /// `disk` is an orphan of this identity being re-adopted.
    var readopted = false

    enum Kind { case none, create, heal, rollout }

    /// The chain and whether it must go through the rollout (canaries, maxInFlight, quorum).
    func chain() -> (Kind, Chain) {
        let hash = jobsHash
        guard let vm else { return (.create, creation(hash)) }
        var why: [String] = []
        if vm.image != spec.image { why.append("image \(vm.image) → \(spec.image)") }
        if vm.vmType != group.vmType { why.append("vmType \(vm.vmType) → \(group.vmType)") }
        if vm.az != az { why.append("AZ \(vm.az) removed; moving to \(az)") }
        if !why.isEmpty { return (.rollout, recreate(vm, hash, why.joined(separator: "; "))) }
        if vm.state == .stopped {
            let disk = inPlaceDiskSteps(vm)
            let steps: [ActionKind] = [.startVM(vmID: vm.id)] + disk.steps
                + [.startJobs(jobs: group.jobs, jobsHash: hash), .waitHealthy(jobs: group.jobs)]
                + deregistrations(all: false) + registration(afterDeregistering: false)
            return (.heal, Chain(instance: id, group: group.name, index: index, steps: steps,
                                 reason: (["VM \(vm.id) is stopped"] + disk.reasons).joined(separator: "; ")))
        }
        return inPlace(vm, hash)
    }

    private func creation(_ hash: String) -> Chain {
        var steps: [ActionKind] = [.createVM(az: az, vmType: group.vmType, image: spec.image)]
        var reason = record == nil ? "instance missing" : "VM missing (was \(record?.vmID ?? "never created")); recreating with the same identity"
        steps += diskSteps(forNewVM: true, reason: &reason)
        if readopted, let disk { reason += "; re-adopting its orphaned disk \(disk.id)" }
        steps += [.startJobs(jobs: group.jobs, jobsHash: hash), .waitHealthy(jobs: group.jobs)]
        steps += registration(afterDeregistering: true)
        return Chain(instance: id, group: group.name, index: index, steps: steps, reason: reason)
    }

    private func recreate(_ old: VM, _ hash: String, _ reason: String) -> Chain {
        var reason = reason
        let out = deregistrations(all: true)
        let stop: [ActionKind] = [.stopJobs(vmID: old.id)]
        let detach: [ActionKind] = disk?.attachedTo == old.id ? [.detachDisk(diskID: disk!.id)] : []
        let create: [ActionKind] = [.createVM(az: az, vmType: group.vmType, image: spec.image)]
        var detached = self
        detached.disk?.attachedTo = nil
        let attach = detached.diskSteps(forNewVM: true, reason: &reason)
        let start: [ActionKind] = [.startJobs(jobs: group.jobs, jobsHash: hash), .waitHealthy(jobs: group.jobs)]
        let back = registration(afterDeregistering: true)
        let steps: [ActionKind]
        if group.update.vmStrategy == .createSwapDelete {
            steps = create + out + stop + detach + attach + start + back + [.deleteVM(vmID: old.id)]
        } else {
            steps = out + stop + detach + [.deleteVM(vmID: old.id)] + create + attach + start + back
        }
        return Chain(instance: id, group: group.name, index: index, steps: steps, reason: "recreate: " + reason)
    }

    private func inPlace(_ vm: VM, _ hash: String) -> (Kind, Chain) {
        var why: [String] = []
        let restart = record?.appliedHash != hash
        if restart { why.append(record?.appliedHash == nil ? "jobs never started by Bosun" : "kubernetes version, jobs or properties changed") }
        let failing = health.map { h in group.jobs.filter { h.jobs[$0] != .running && h.jobs[$0] != .starting } } ?? []
        if !restart, !failing.isEmpty { why.append("job \(failing.joined(separator: ",")) not running") }

        var diskReason = ""
        let swap = diskNeedsSwap(&diskReason)
        if !diskReason.isEmpty && swap { why.append(diskReason) }
        if restart || !failing.isEmpty || swap {
            var steps = deregistrations(all: true)
            if swap {
                var r = ""
                steps += [.stopJobs(vmID: nil)]
                if let disk, disk.attachedTo != nil { steps += [.detachDisk(diskID: disk.id)] }
                steps += newDiskSteps(&r)
                steps += [.startJobs(jobs: group.jobs, jobsHash: hash)]
            } else {
                steps += inPlaceDiskSteps(vm).steps
                steps += [.restartJobs(jobs: group.jobs, jobsHash: hash)]
            }
            steps += [.waitHealthy(jobs: group.jobs)]
            if swap, let disk { steps += [.orphanDisk(diskID: disk.id)] }
            steps += registration(afterDeregistering: true)
            let kind: Kind = restart || swap ? .rollout : .heal
            return (kind, Chain(instance: id, group: group.name, index: index, steps: steps, reason: why.joined(separator: "; ")))
        }

        // Non-disruptive: grow, re-attach, LB membership.
        var (steps, reasons) = inPlaceDiskSteps(vm)
        let stray = deregistrations(all: false)
        if !stray.isEmpty { reasons.append("registered in a load balancer the spec does not name") }
        steps += stray
        if let lb = group.loadBalancer, !memberOf.contains(lb) {
            steps.append(.register(lb: lb))
            reasons.append("not in load balancer \(lb)")
        }
        if steps.isEmpty { return (.none, Chain(instance: id, steps: [], reason: "")) }
        return (.heal, Chain(instance: id, group: group.name, index: index, steps: steps, reason: reasons.joined(separator: "; ")))
    }

    /// Grow in place and re-attach, with their reasons.
    private func inPlaceDiskSteps(_ vm: VM) -> (steps: [ActionKind], reasons: [String]) {
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
    private func diskSteps(forNewVM: Bool, reason: inout String) -> [ActionKind] {
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

    private func newDiskSteps(_ reason: inout String) -> [ActionKind] {
        guard let want = group.disk else { return [] }
        return [.createDisk(az: az, sizeMiB: want.sizeMiB, type: want.type), .attachDisk(diskID: nil)]
    }

    /// A disk change that cannot be done in place: shrink, type change, disk added or removed.
    private func diskNeedsSwap(_ reason: inout String) -> Bool {
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
    private func deregistrations(all: Bool) -> [ActionKind] {
        guard let vm else { return [] }
        return memberOf.sorted().filter { all || $0 != group.loadBalancer }.map { .deregister(lb: $0, vmID: vm.id) }
    }

    private func registration(afterDeregistering: Bool) -> [ActionKind] {
        guard let lb = group.loadBalancer else { return [] }
        if !afterDeregistering, memberOf.contains(lb) { return [] }
        return [.register(lb: lb)]
    }
}
