import BosunModel
import BosunPlanner
import BosunProvider
import Foundation

/// Applies plans to an in-memory world the way the executor and a well-behaved provider would,
/// in waves (everything whose prerequisites are done runs together), checking rollout
/// invariants at every wave. Test-only; the real path is the executor against `sim`.
struct PlanSimulator {
    var observed = Observed()
    var recorded = Recorded()
    private var nextID = 1
    let cluster: String

    /// The heartbeat agents report when they act (`observed.observedAt` is left to the tests).
    var heartbeat: Date?

    init(cluster: String) { self.cluster = cluster }

    struct Violation: Error, CustomStringConvertible { let description: String }

    /// Peak number of changed instances of each group in flight at once, and peak etcd
    /// members unavailable, observed during the last `apply`.
    var peakInFlight: [String: Int] = [:]
    var peakEtcdDown: [String: Int] = [:]
    /// etcd members: instances whose etcd has run at least once and that are still recorded (a
    /// new member joins when its etcd first runs; a removed one leaves when it is released).
    var etcdMembers: Set<String> = []
    /// Fewest healthy etcd members seen after any wave of the last `apply`, per group, as
    /// (healthy, members); and the waves that lost a quorum that held before them.
    var etcdLow: [String: (healthy: Int, members: Int)] = [:]
    var quorumLosses: [String] = []

    mutating func plan(_ spec: ClusterSpec, goal: PlanGoal = .converge, healing: HealingMode = .heal) -> Plan {
        Planner().plan(cluster: cluster, desired: spec, goal: goal, observed: observed, recorded: recorded, healing: healing)
    }

    /// Plans and applies until the plan is empty (at most `passes` times); returns the passes
    /// used, or nil if it never converged. The quorum is checked in every wave of every pass.
    mutating func converge(_ spec: ClusterSpec, healing: HealingMode = .heal, passes: Int = 6) throws -> Int? {
        var losses: [String] = []
        defer { quorumLosses = losses }
        for pass in 1...passes {
            let plan = self.plan(spec, healing: healing)
            // Nothing to do but something deferred: the next pass would plan the same.
            if plan.isEmpty { return plan.isConverged ? pass - 1 : nil }
            _ = try apply(plan, spec: spec)
            losses += quorumLosses
        }
        return self.plan(spec, healing: healing).isConverged ? passes : nil
    }

    /// The healthy members of each etcd group and how many members it has.
    func etcdQuorum(_ spec: ClusterSpec) -> [String: (healthy: Int, members: Int)] {
        var out: [String: (healthy: Int, members: Int)] = [:]
        let recordedIDs = Set(recorded.instances.map(\.id))
        for group in spec.groups where group.runsEtcd {
            let members = etcdMembers.filter { $0.hasPrefix("\(cluster)/\(group.name)/") && recordedIDs.contains($0) }
            out[group.name] = (members.filter(etcdRuns).count, members.count)
        }
        return out
    }

    /// The instance's current VM runs and its etcd job runs.
    func etcdRuns(_ instance: String) -> Bool {
        guard let vmID = recorded.instances.first(where: { $0.id == instance })?.vmID,
            let vm = observed.vms.first(where: { $0.id == vmID }), vm.state == .running
        else { return false }
        return observed.health[vmID]?.jobs["etcd"] == .running
    }

    private mutating func joinEtcdMembers() {
        for record in recorded.instances where etcdRuns(record.id) { etcdMembers.insert(record.id) }
        let recordedIDs = Set(recorded.instances.map(\.id))
        etcdMembers = etcdMembers.filter(recordedIDs.contains)
    }

    /// Runs every action of `plan` in dependency waves; throws on a step that could not run.
    mutating func apply(_ plan: Plan, spec: ClusterSpec, failing: Set<Int> = []) throws -> (done: Set<Int>, failed: Set<Int>) {
        var done: Set<Int> = [], failed: Set<Int> = []
        var blocked: Set<Int> = []
        let existingBefore = Set(observed.vms.map(\.instanceID))
        var firstWave: [String: Int] = [:], lastWave: [String: Int] = [:]
        var downFrom: [String: Int] = [:], downTo: [String: Int] = [:]
        var wave = 0
        joinEtcdMembers()
        quorumLosses = []
        etcdLow = etcdQuorum(spec)
        while true {
            let ready = plan.actions.filter { a in
                !done.contains(a.id) && !failed.contains(a.id) && !blocked.contains(a.id) && a.dependsOn.allSatisfy(done.contains)
            }
            if ready.isEmpty { break }
            let before = etcdQuorum(spec)
            for a in ready {
                for dep in a.dependsOn where !done.contains(dep) { throw Violation(description: "#\(a.id) ran before #\(dep)") }
                if let inst = a.instance {
                    firstWave[inst] = firstWave[inst] ?? wave
                    lastWave[inst] = wave
                    if a.kind.disrupts, downFrom[inst] == nil { downFrom[inst] = wave }
                    if case .waitHealthy = a.kind { downTo[inst] = wave }
                }
                if failing.contains(a.id) {
                    failed.insert(a.id)
                    var queue = plan.actions.filter { $0.dependsOn.contains(a.id) }.map(\.id)
                    while let n = queue.popLast() {
                        if blocked.insert(n).inserted { queue += plan.actions.filter { $0.dependsOn.contains(n) }.map(\.id) }
                    }
                } else {
                    try perform(a, spec: spec)
                    done.insert(a.id)
                }
            }
            joinEtcdMembers()
            for (group, after) in etcdQuorum(spec) {
                if let low = etcdLow[group], after.healthy < low.healthy { etcdLow[group] = after }
                if let b = before[group], b.healthy * 2 > b.members, after.healthy * 2 <= after.members {
                    quorumLosses.append("wave \(wave): \(group) had \(b.healthy) of \(b.members) etcd members healthy, then \(after.healthy) of \(after.members): "
                        + ready.map { "\($0.instance ?? "-") \($0.kind.summary)" }.joined(separator: ", "))
                }
            }
            wave += 1
        }
        // Invariants over the waves.
        peakInFlight = [:]
        peakEtcdDown = [:]
        for group in spec.groups {
            let changed = firstWave.keys.filter { $0.hasPrefix("\(cluster)/\(group.name)/") && existingBefore.contains($0) }
                .filter { inst in plan.actions.contains { $0.instance == inst && $0.kind.disrupts } }
            for w in 0..<max(wave, 1) {
                let inFlight = changed.filter { firstWave[$0]! <= w && w <= lastWave[$0]! }.count
                peakInFlight[group.name] = max(peakInFlight[group.name] ?? 0, inFlight)
                if group.runsEtcd {
                    // A removed member is down only while its removal runs; afterwards it is gone.
                    let down = changed.filter { i in downFrom[i].map { $0 <= w && w < (downTo[i] ?? lastWave[i]! + 1) } ?? false }.count
                    peakEtcdDown[group.name] = max(peakEtcdDown[group.name] ?? 0, down)
                }
            }
        }
        return (done, failed)
    }

    private mutating func freshID(_ prefix: String) -> String {
        defer { nextID += 1 }
        return "\(prefix)-\(nextID)"
    }

    private func recordIndex(_ id: String) -> Int? { recorded.instances.firstIndex { $0.id == id } }

    private mutating func perform(_ a: PlannedAction, spec: ClusterSpec) throws {
        let inst = a.instance ?? ""
        let current = recordIndex(inst).flatMap { recorded.instances[$0].vmID }
        switch a.kind {
        case .createVM(let az, let vmType, let image):
            let key = freshID("key")
            let vm = VM(id: freshID("vm"), cluster: cluster, group: a.group!, index: a.index!, instanceID: inst, az: az,
                        vmType: vmType, image: image, state: .running, idempotencyKey: key)
            observed.vms.append(vm)
            recorded.knownKeys.insert(key)
            if let i = recordIndex(inst) {
                recorded.instances[i].vmID = vm.id
                recorded.instances[i].az = az
                recorded.instances[i].appliedHash = nil
                recorded.instances[i].healRestarts = 0
            } else {
                recorded.instances.append(InstanceRecord(id: inst, group: a.group!, index: a.index!, az: az, vmID: vm.id, appliedHash: nil, diskID: nil))
            }
            observed.health[vm.id] = NodeHealth(vmID: vm.id, jobs: [:], lastHeartbeat: heartbeat)
        case .deleteVM(let id):
            observed.vms.removeAll { $0.id == id }
            for i in observed.disks.indices where observed.disks[i].attachedTo == id { observed.disks[i].attachedTo = nil }
            for lb in observed.members.keys { observed.members[lb]?.remove(id) }
            observed.health[id] = nil
            for i in recorded.instances.indices where recorded.instances[i].vmID == id { recorded.instances[i].vmID = nil }
        case .startVM(let id):
            guard let i = observed.vms.firstIndex(where: { $0.id == id }) else { throw Violation(description: "start of missing \(id)") }
            observed.vms[i].state = .running
            // A VM comes back with its jobs stopped: start-jobs follows.
            if let h = observed.health[id] { observed.health[id] = NodeHealth(vmID: id, jobs: h.jobs.mapValues { _ in .stopped }, lastHeartbeat: h.lastHeartbeat) }
        case .createDisk(let az, let size, let type):
            let disk = Disk(id: freshID("disk"), cluster: cluster, instanceID: inst, az: az, sizeMiB: size, type: type, attachedTo: nil, idempotencyKey: freshID("key"))
            observed.disks.append(disk)
            if let i = recordIndex(inst) { recorded.instances[i].diskID = disk.id }
        case .attachDisk(let id):
            guard let vm = current else { throw Violation(description: "attach with no VM on \(inst)") }
            guard let diskID = id ?? recordIndex(inst).flatMap({ recorded.instances[$0].diskID }),
                let d = observed.disks.firstIndex(where: { $0.id == diskID })
            else { throw Violation(description: "attach of unknown disk on \(inst)") }
            if let other = observed.disks[d].attachedTo, other != vm { throw Violation(description: "\(diskID) attached to \(other)") }
            observed.disks[d].attachedTo = vm
            if let i = recordIndex(inst) { recorded.instances[i].diskID = diskID }
            // Like the store: attaching an orphan re-adopts it.
            recorded.orphanedDisks.remove(diskID)
            recorded.readoptable.removeAll { $0 == diskID }
        case .detachDisk(let id):
            if let d = observed.disks.firstIndex(where: { $0.id == id }) { observed.disks[d].attachedTo = nil }
        case .resizeDisk(let id, let size):
            guard let d = observed.disks.firstIndex(where: { $0.id == id }), observed.disks[d].sizeMiB <= size else {
                throw Violation(description: "bad resize of \(id)")
            }
            observed.disks[d].sizeMiB = size
        case .orphanDisk(let id):
            if observed.disks.first(where: { $0.id == id })?.attachedTo != nil { throw Violation(description: "orphaning attached \(id)") }
            recorded.orphanedDisks.insert(id)
            recorded.readoptable.insert(id, at: 0)
            for i in recorded.instances.indices where recorded.instances[i].diskID == id { recorded.instances[i].diskID = nil }
        case .startJobs(let jobs, let hash), .restartJobs(let jobs, let hash):
            guard let vm = current, let v = observed.vms.first(where: { $0.id == vm }), v.state == .running else {
                throw Violation(description: "jobs on \(inst) with no running VM")
            }
            // Only the named jobs (re)start; the others keep their state. A job is `starting`
            // (down) until wait-healthy sees it run: that is the window a restart costs.
            var h = observed.health[vm] ?? NodeHealth(vmID: vm, jobs: [:], lastHeartbeat: nil)
            for job in jobs { h.jobs[job] = .starting }
            h.lastHeartbeat = heartbeat
            observed.health[vm] = h
            let r = recordIndex(inst)!
            recorded.instances[r].appliedHash = hash
            if case .restartJobs = a.kind { recorded.instances[r].healRestarts += 1 }
        case .stopJobs(let id):
            if let vm = id ?? current, let h = observed.health[vm] {
                observed.health[vm] = NodeHealth(vmID: vm, jobs: h.jobs.mapValues { _ in .stopped }, lastHeartbeat: h.lastHeartbeat)
            }
        case .waitHealthy(let jobs):
            guard let vm = current, var h = observed.health[vm], jobs.allSatisfy({ h.jobs[$0] == .running || h.jobs[$0] == .starting })
            else { throw Violation(description: "waitHealthy on unhealthy \(inst)") }
            for job in jobs { h.jobs[job] = .running }
            observed.health[vm] = h
            // Like the store: healthy again resets the healing-restart count.
            recorded.instances[recordIndex(inst)!].healRestarts = 0
        case .register(let lb):
            guard let vm = current else { throw Violation(description: "register with no VM") }
            observed.members[lb, default: []].insert(vm)
        case .deregister(let lb, let vm):
            observed.members[lb]?.remove(vm)
        case .releaseInstance:
            if let vm = current, observed.vms.contains(where: { $0.id == vm }) { throw Violation(description: "released \(inst) with VM \(vm)") }
            recorded.instances.removeAll { $0.id == inst }
        }
    }
}
