import BosunModel
import BosunPlanner
import BosunProvider
import Foundation

/// Breaking the simulated world behind the planner's back, the way `bosun sim …` does.
extension PlanSimulator {
    func vm(of instance: String) -> VM? {
        guard let id = recorded.instances.first(where: { $0.id == instance })?.vmID else { return nil }
        return observed.vms.first { $0.id == id }
    }

    /// `bosun sim stop`: the VM stops and every job on it with it.
    mutating func stop(_ instance: String) {
        guard let vm = vm(of: instance), let i = observed.vms.firstIndex(where: { $0.id == vm.id }) else { return }
        observed.vms[i].state = .stopped
        if var h = observed.health[vm.id] {
            h.jobs = h.jobs.mapValues { _ in .stopped }
            observed.health[vm.id] = h
        }
    }

    /// `bosun sim kill`: the VM vanishes; its disk is left detached, its LB memberships go.
    mutating func kill(_ instance: String) {
        guard let vm = vm(of: instance) else { return }
        observed.vms.removeAll { $0.id == vm.id }
        for i in observed.disks.indices where observed.disks[i].attachedTo == vm.id { observed.disks[i].attachedTo = nil }
        for lb in observed.members.keys { observed.members[lb]?.remove(vm.id) }
        observed.health[vm.id] = nil
    }

    /// `bosun sim fail-job`.
    mutating func fail(_ instance: String, job: String) {
        guard let vm = vm(of: instance), observed.health[vm.id]?.jobs[job] != nil else { return }
        observed.health[vm.id]?.jobs[job] = .failed
    }

    /// `bosun sim detach`.
    mutating func detachDisk(_ instance: String) {
        guard let vm = vm(of: instance) else { return }
        for i in observed.disks.indices where observed.disks[i].attachedTo == vm.id { observed.disks[i].attachedTo = nil }
    }

    /// `bosun sim deregister`.
    mutating func deregister(_ instance: String) {
        guard let vm = vm(of: instance) else { return }
        for lb in observed.members.keys { observed.members[lb]?.remove(vm.id) }
    }

    /// The agent of the instance's VM last reported `seconds` before the observation.
    mutating func silence(_ instance: String, seconds: TimeInterval) {
        guard let vm = vm(of: instance), let now = observed.observedAt else { return }
        observed.health[vm.id]?.lastHeartbeat = now.addingTimeInterval(-seconds)
    }

    mutating func setHealRestarts(_ instance: String, _ n: Int) {
        if let i = recorded.instances.firstIndex(where: { $0.id == instance }) { recorded.instances[i].healRestarts = n }
    }
}
