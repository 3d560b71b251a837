import BosunModel
import BosunProvider
import Foundation

/// What is wrong with one instance right now, as observation shows it against the spec and the
/// records (the drift table of `semantics.md`). The planner turns it into findings, into
/// healing, and into the disruption budget's counts of members already down.
struct InstanceDrift {
    let id: String
    /// The instance exists in some form (a record or a VM). A never-created instance is not
    /// drift: it is created in phase A, before anything disruptive of its group runs.
    var exists = false
    var vm: VM?
    /// The recorded VM id of an instance whose VM is gone ("?" when none was recorded).
    var missingVM: String?
    var stopped = false
    /// The VM exists but is not `running` (stopped or still booting).
    var vmNotRunning = false
    /// Jobs failed, stopped or absent on a running VM whose agent answers: what healing restarts.
    var failing: [(job: String, state: JobState?)] = []
    /// Jobs not `running` (a `starting` one included): the instance is not healthy yet.
    var jobsNotRunning = false
    /// A running VM with no agent report at all.
    var healthUnknown = false
    /// Last heartbeat of an agent silent for longer than the timeout.
    var silentSince: Date?
    var detachedDisk: (id: String, attachedTo: String?)?
    var missingDisk: String?
    var lbMissing: [String] = []
    var lbExtra: [String] = []
    /// The VM's type or image and the spec's, when they differ.
    var wrongType: (have: String, want: String)?
    var wrongImage: (have: String, want: String)?
    /// In a group running etcd: this member's etcd is (or may be) down. A silent agent's
    /// report is stale, so its member counts as down: the safe side for the quorum guard.
    var etcdDown = false
    /// … and down for certain. An agent that does not answer may still run etcd: its member
    /// counts as down when another member's disruption is being decided, and as up when taking
    /// it down is.
    var etcdSurelyDown = false

    var silent: Bool { silentSince != nil }

    /// Unhealthy for the meltdown count and the budget: VM missing or not running, a job not
    /// running, no agent report, a silent agent, or a detached or missing disk.
    var unhealthy: Bool {
        exists && (vm == nil || vmNotRunning || jobsNotRunning || healthUnknown || silent || detachedDisk != nil || missingDisk != nil)
    }

    /// Drift that only healing fixes (a spec change never does it on its own).
    var needsHealing: Bool {
        missingVM != nil || stopped || silent || !failing.isEmpty || detachedDisk != nil || !lbMissing.isEmpty || !lbExtra.isEmpty
    }

    /// Short summary of the healing drift, for reasons ("VM vm-3 stopped; kubelet failed").
    var summary: String {
        var parts: [String] = []
        if let missingVM { parts.append("VM \(missingVM) missing") }
        if let vm, stopped { parts.append("VM \(vm.id) stopped") }
        if let vm, silent { parts.append("agent of VM \(vm.id) silent") }
        if !failing.isEmpty { parts.append(failing.map { "\($0.job) \($0.state?.rawValue ?? "absent")" }.joined(separator: ", ")) }
        if let d = detachedDisk { parts.append("disk \(d.id) detached") }
        if !lbMissing.isEmpty { parts.append("not in load balancer \(lbMissing.joined(separator: ","))") }
        if !lbExtra.isEmpty { parts.append("in load balancer \(lbExtra.joined(separator: ",")) the spec does not name") }
        return parts.joined(separator: "; ")
    }

    /// Observes one instance of `group`. `disk` is the instance's disk as `World` resolved it.
    static func observe(
        id: String, group: GroupSpec, spec: ClusterSpec, vm: VM?, disk: Disk?, readopted: Bool, record: InstanceRecord?,
        memberOf: Set<String>, health: NodeHealth?, observedAt: Date?, diskLost: Bool
    ) -> InstanceDrift {
        var d = InstanceDrift(id: id)
        d.exists = record != nil || vm != nil
        d.vm = vm
        if diskLost { d.missingDisk = record?.diskID ?? "?" }
        guard let vm else {
            if record != nil { d.missingVM = record?.vmID ?? "?" }
            d.etcdDown = d.exists && group.runsEtcd
            d.etcdSurelyDown = d.etcdDown
            return d
        }
        if vm.vmType != group.vmType { d.wrongType = (vm.vmType, group.vmType) }
        if vm.image != spec.image { d.wrongImage = (vm.image, spec.image) }
        d.stopped = vm.state == .stopped
        d.vmNotRunning = vm.state != .running
        if vm.state == .running {
            if let health {
                let timeout = TimeInterval(spec.healing.agentTimeoutSeconds)
                if let now = observedAt, let beat = health.lastHeartbeat, now.timeIntervalSince(beat) > timeout {
                    d.silentSince = beat
                } else {
                    // A silent agent's job states are stale: only an answering agent's count.
                    d.failing = group.jobs.compactMap { job in
                        let state = health.jobs[job]
                        return state == .running || state == .starting ? nil : (job, state)
                    }
                    d.jobsNotRunning = group.jobs.contains { health.jobs[$0] != .running }
                }
            } else {
                d.healthUnknown = true
            }
        }
        if group.disk != nil, let disk, !readopted, disk.attachedTo != vm.id { d.detachedDisk = (disk.id, disk.attachedTo) }
        if let lb = group.loadBalancer, !memberOf.contains(lb) { d.lbMissing = [lb] }
        d.lbExtra = memberOf.filter { $0 != group.loadBalancer }.sorted()
        d.etcdSurelyDown = group.runsEtcd && (d.vmNotRunning || (!d.silent && health != nil && health?.jobs["etcd"] != .running))
        d.etcdDown = d.etcdSurelyDown || (group.runsEtcd && (d.healthUnknown || d.silent))
        return d
    }

    /// One finding per condition, in a fixed order; messages carry no ages or counters so they
    /// stay the same while the condition lasts.
    var findings: [Finding] {
        var out: [Finding] = []
        func add(_ kind: Finding.Kind, _ resource: String, _ message: String) {
            out.append(Finding(kind: kind, instance: id, resource: resource, message: message))
        }
        if let missingVM { add(.vmMissing, missingVM, "VM \(missingVM) of \(id) no longer exists") }
        if let vm {
            if stopped { add(.vmStopped, vm.id, "VM \(vm.id) of \(id) is stopped") }
            if !failing.isEmpty {
                let jobs = failing.map { "\($0.job) (\($0.state?.rawValue ?? "absent"))" }.joined(separator: ", ")
                add(.jobFailed, vm.id, "jobs not running on VM \(vm.id) of \(id): \(jobs)")
            }
            if let beat = silentSince {
                add(.agentSilent, vm.id, "agent of VM \(vm.id) of \(id) silent since \(beat.formatted(.iso8601)) (timeout exceeded)")
            }
        }
        if let d = detachedDisk {
            let where_ = d.attachedTo.map { "attached to \($0)" } ?? "not attached"
            add(.diskDetached, d.id, "disk \(d.id) of \(id) is \(where_), not to VM \(vm?.id ?? "?")")
        }
        if let missingDisk {
            add(.diskMissing, missingDisk, "disk \(missingDisk) of \(id) no longer exists; the instance is left alone (no silent empty replacement)")
        }
        if let vm {
            for lb in lbMissing { add(.lbMemberMissing, lb, "VM \(vm.id) of \(id) is not registered in load balancer \(lb)") }
            for lb in lbExtra { add(.lbMemberExtra, lb, "VM \(vm.id) of \(id) is registered in load balancer \(lb), which its group does not name") }
            if let t = wrongType { add(.vmWrongType, vm.id, "VM \(vm.id) of \(id) is of type \(t.have); the spec says \(t.want)") }
            if let i = wrongImage { add(.vmWrongImage, vm.id, "VM \(vm.id) of \(id) runs image \(i.have); the spec says \(i.want)") }
        }
        return out
    }
}
