import BosunModel
import BosunProvider

/// The classification of one desired instance against what is observed and recorded
/// (`semantics.md`, change classification), turned into the chains of steps that fix it.
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
    /// `JobsConfig.hash` of the group, computed once per group by the caller.
    let jobsHash: String
    /// What observation shows wrong with the instance (job health, silence, disk, LB).
    let drift: InstanceDrift
    let healing: HealingMode
    /// `disk` is an orphan of this identity being re-adopted.
    var readopted = false

    /// Healing restarts of failed jobs before the VM is recreated instead.
    static let restartLimit = 3

    /// What to do with the instance, split by what it costs from the disruption budget.
    struct Outcome {
        /// Takes nothing healthy down (creating, starting a stopped VM, restarting only failed
        /// jobs, re-attaching, LB membership): phase A. When `budgeted` is set, `free` is the
        /// part of it that may run anyway if the budget defers `budgeted`.
        var free: Chain?
        /// Takes a healthy member down (restart of running jobs, recreate): scheduled in the
        /// group's batches under the disruption budget.
        var budgeted: Chain?
        /// A spec change that waits because the instance has drift and healing is suppressed.
        var waiting: String?
    }

    func outcome() -> Outcome {
        let hash = jobsHash
        guard let vm else {
            // A new instance is a spec change; a recorded one whose VM vanished is healing.
            if record == nil || healing.heals { return Outcome(free: creation(hash)) }
            return Outcome()
        }
        if case .suppressed(let why) = healing, drift.needsHealing {
            // Any step on a drifted instance would heal it as a side effect: leave it as it is.
            let changes = specChanges(vm)
            guard !changes.isEmpty else { return Outcome() }
            return Outcome(waiting: "waiting: healing is suppressed (\(why)) and \(drift.summary); \(changes.joined(separator: "; "))")
        }
        let moves = recreateReasons(vm)
        if !moves.isEmpty {
            return Outcome(free: fallback(vm), budgeted: recreate(vm, hash, "recreate: " + moves.joined(separator: "; ")))
        }
        if drift.stopped { return Outcome(free: start(vm, hash)) }
        if let beat = drift.silentSince {
            let why = "agent of VM \(vm.id) silent since \(beat.formatted(.iso8601)) (more than \(spec.healing.agentTimeoutSeconds) s); recreating the VM"
            return Outcome(budgeted: recreate(vm, hash, why, agentAnswers: false))
        }
        return inPlace(vm, hash)
    }

    private func recreateReasons(_ vm: VM) -> [String] {
        var why: [String] = []
        if vm.image != spec.image { why.append("image \(vm.image) → \(spec.image)") }
        if vm.vmType != group.vmType { why.append("vmType \(vm.vmType) → \(group.vmType)") }
        if vm.az != az { why.append("AZ \(vm.az) removed; moving to \(az)") }
        return why
    }

    /// Every spec change pending on the instance, for the reason of a deferral.
    private func specChanges(_ vm: VM) -> [String] {
        var why = recreateReasons(vm)
        if record?.appliedHash != jobsHash { why.append("configuration changed (version, jobs, properties, credentials or peers)") }
        var diskReason = ""
        if diskNeedsSwap(&diskReason) { why.append(diskReason) }
        if let want = group.disk, let disk, disk.sizeMiB < want.sizeMiB { why.append("disk \(disk.sizeMiB) → \(want.sizeMiB) MiB") }
        return why
    }

    private var failingJobs: [String] { drift.failing.map(\.job) }

    /// Restarts of failed jobs are used up: the next step is recreating the VM.
    private var escalate: Bool { (record?.healRestarts ?? 0) >= Self.restartLimit && !drift.failing.isEmpty }

    private func start(_ vm: VM, _ hash: String) -> Chain {
        let disk = inPlaceDiskSteps(vm)
        let steps: [ActionKind] = [.startVM(vmID: vm.id)] + disk.steps
            + [.startJobs(jobs: group.jobs, jobsHash: hash), .waitHealthy(jobs: group.jobs)]
            + deregistrations(all: false) + registration(afterDeregistering: false)
        return Chain(instance: id, group: group.name, index: index, steps: steps,
                     reason: (["VM \(vm.id) is stopped"] + disk.reasons).joined(separator: "; "))
    }

    /// The free healing of an instance whose disruptive chain the budget may defer: start a
    /// stopped VM, restart only the failed jobs (with the config they already run, so a pending
    /// config change is not marked applied), re-attach, fix LB membership. Nil in suppressed mode.
    private func fallback(_ vm: VM) -> Chain? {
        guard healing.heals else { return nil }
        if drift.stopped { return start(vm, jobsHash) }
        if drift.silent { return nil }
        var (steps, reasons) = inPlaceDiskSteps(vm)
        if !escalate, !failingJobs.isEmpty, let applied = record?.appliedHash {
            steps = deregistrations(all: true) + steps
                + [.restartJobs(jobs: failingJobs, jobsHash: applied), .waitHealthy(jobs: group.jobs)]
                + registration(afterDeregistering: true)
            reasons.insert(restartReason, at: 0)
        } else {
            membershipSteps(&steps, &reasons)
        }
        if steps.isEmpty { return nil }
        return Chain(instance: id, group: group.name, index: index, steps: steps, reason: reasons.joined(separator: "; "))
    }

    private var restartReason: String {
        let jobs = failingJobs.joined(separator: ",")
        let done = record?.healRestarts ?? 0
        if done == 0 { return "job \(jobs) not running" }
        return "job \(jobs) failed again after \(done) restart\(done == 1 ? "" : "s") (restart \(done + 1) of \(Self.restartLimit))"
    }

    private func inPlace(_ vm: VM, _ hash: String) -> Outcome {
        var why: [String] = []
        let restart = record?.appliedHash != hash
        if restart { why.append(record?.appliedHash == nil ? "jobs never started by Bosun" : "configuration changed (version, jobs, properties, credentials or peers)") }
        if !restart, !failingJobs.isEmpty, !escalate { why.append(restartReason) }

        var diskReason = ""
        let swap = diskNeedsSwap(&diskReason)
        if !diskReason.isEmpty && swap { why.append(diskReason) }
        if restart || swap {
            // A config change restarts every job: healthy ones go down, so it is budgeted.
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
            let chain = Chain(instance: id, group: group.name, index: index, steps: steps, reason: why.joined(separator: "; "))
            return Outcome(free: fallback(vm), budgeted: chain)
        }
        if escalate {
            let jobs = failingJobs.joined(separator: ",")
            let why = "\(jobs) failed again after \(Self.restartLimit) restarts; recreating the VM"
            return Outcome(free: fallback(vm), budgeted: recreate(vm, hash, why))
        }
        if !failingJobs.isEmpty {
            // Only the failed jobs: restarting healthy ones (etcd!) would take a member down.
            let steps = deregistrations(all: true) + inPlaceDiskSteps(vm).steps
                + [.restartJobs(jobs: failingJobs, jobsHash: hash), .waitHealthy(jobs: group.jobs)]
                + registration(afterDeregistering: true)
            let reasons = why + inPlaceDiskSteps(vm).reasons
            return Outcome(free: Chain(instance: id, group: group.name, index: index, steps: steps, reason: reasons.joined(separator: "; ")))
        }

        // Non-disruptive: grow, re-attach, LB membership.
        var (steps, reasons) = inPlaceDiskSteps(vm)
        membershipSteps(&steps, &reasons)
        if steps.isEmpty { return Outcome() }
        return Outcome(free: Chain(instance: id, group: group.name, index: index, steps: steps, reason: reasons.joined(separator: "; ")))
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

    /// Recreate with the same identity and disk. `agentAnswers: false` (a silent agent) skips
    /// stopping its jobs: the call could only time out, and deleting the VM stops them anyway.
    private func recreate(_ old: VM, _ hash: String, _ reason: String, agentAnswers: Bool = true) -> Chain {
        var reason = reason
        let out = deregistrations(all: true)
        let stop: [ActionKind] = agentAnswers ? [.stopJobs(vmID: old.id)] : []
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
        return Chain(instance: id, group: group.name, index: index, steps: steps, reason: reason)
    }

    /// LB membership fixes: leave load balancers the spec does not name, join the one it does.
    private func membershipSteps(_ steps: inout [ActionKind], _ reasons: inout [String]) {
        let stray = deregistrations(all: false)
        if !stray.isEmpty { reasons.append("registered in a load balancer the spec does not name") }
        steps += stray
        if let lb = group.loadBalancer, !memberOf.contains(lb) {
            steps.append(.register(lb: lb))
            reasons.append("not in load balancer \(lb)")
        }
    }
}
