import BosunModel
import BosunProvider

/// Observed and recorded state indexed by instance, for one planning call.
struct World {
    let cluster: String
    let spec: ClusterSpec
    let observed: Observed
    let recorded: Recorded
    let records: [String: InstanceRecord]
    /// Instance id → its current VM, and VMs that are ours but not current.
    let current: [String: VM]
    let extras: [VM]
    let rogues: [VM]
    /// Instance id → its disk, and disks of instances that also have another.
    let disks: [String: Disk]
    /// Instances whose disk is an orphan of the same identity, re-attached instead of a new one.
    let readopted: Set<String>
    let memberships: [String: Set<String>]  // vm id → LB names
    /// Instances that exist but are no longer desired, highest index first.
    let surplus: [String]

    init(cluster: String, spec: ClusterSpec, observed: Observed, recorded: Recorded, readoptDisks: Bool = true) {
        self.cluster = cluster
        self.spec = spec
        self.observed = observed
        self.recorded = recorded
        let records = Dictionary(recorded.instances.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.records = records
        let desiredIDs = Set(spec.groups.flatMap { g in (0..<g.instances).map { World.id(cluster, g.name, $0) } })
        var current: [String: VM] = [:]
        var extras: [VM] = [], rogues: [VM] = []
        for (instance, vms) in Dictionary(grouping: observed.vms, by: \.instanceID) {
            let known = vms.filter { recorded.knownKeys.contains($0.idempotencyKey) || records[instance]?.vmID == $0.id }
            guard records[instance] != nil || desiredIDs.contains(instance) || !known.isEmpty else {
                rogues += vms
                continue
            }
            let sorted = vms.sorted { $0.id < $1.id }
            let pick = sorted.first { $0.id == records[instance]?.vmID } ?? sorted.first { $0.state == .running } ?? sorted[0]
            current[instance] = pick
            for vm in sorted where vm.id != pick.id {
                if recorded.knownKeys.contains(vm.idempotencyKey) { extras.append(vm) } else { rogues.append(vm) }
            }
        }
        self.current = current
        self.extras = extras
        self.rogues = rogues
        var disks: [String: Disk] = [:]
        for (instance, list) in Dictionary(grouping: observed.disks.filter { !recorded.orphanedDisks.contains($0.id) }, by: \.instanceID) {
            let sorted = list.sorted { $0.id < $1.id }
            disks[instance] = sorted.first { $0.id == records[instance]?.diskID } ?? sorted.first { $0.attachedTo != nil } ?? sorted[0]
        }
        var readopted: Set<String> = []
        if readoptDisks {
            World.readopt(cluster: cluster, spec: spec, observed: observed, recorded: recorded, into: &disks, readopted: &readopted)
        }
        self.disks = disks
        self.readopted = readopted
        var memberships: [String: Set<String>] = [:]
        for (lb, vms) in observed.members { for vm in vms { memberships[vm, default: []].insert(lb) } }
        self.memberships = memberships
        let known = Set(records.keys).union(current.keys).union(disks.keys)
        surplus = known.subtracting(desiredIDs).sorted { World.indexOf($0) > World.indexOf($1) }
    }

    static func id(_ cluster: String, _ group: String, _ index: Int) -> String { "\(cluster)/\(group)/\(index)" }

    /// Disks come back with their instance (`semantics.md`): a desired instance without a disk
    /// gets the most recently orphaned, unattached disk of its own identity, if that disk fits
    /// (same type, not larger than the spec asks — it is grown if smaller — and in one of the
    /// group's AZs). Otherwise a new disk is made and the orphan stays as it is.
    private static func readopt(
        cluster: String, spec: ClusterSpec, observed: Observed, recorded: Recorded,
        into disks: inout [String: Disk], readopted: inout Set<String>
    ) {
        guard !recorded.readoptable.isEmpty else { return }
        let byID = Dictionary(observed.disks.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for diskID in recorded.readoptable {
            guard let disk = byID[diskID], disk.attachedTo == nil, disks[disk.instanceID] == nil else { continue }
            let parts = disk.instanceID.split(separator: "/")
            guard parts.count == 3, parts[0] == cluster, let index = Int(parts[2]),
                let group = spec.groups.first(where: { $0.name == parts[1] }), index < group.instances,
                let want = group.disk, disk.type == want.type, disk.sizeMiB <= want.sizeMiB, group.azs.contains(disk.az)
            else { continue }
            disks[disk.instanceID] = disk
            readopted.insert(disk.instanceID)
        }
    }

    var rogueFindings: [Finding] {
        rogues.sorted { $0.id < $1.id }.map {
            Finding(kind: .rogueVM, instance: $0.instanceID.isEmpty ? nil : $0.instanceID, resource: $0.id,
                    message: "VM \($0.id) is tagged as \(cluster)'s but Bosun did not create it")
        }
    }

    /// With `healing.deleteRogue` (and healing allowed): delete every rogue VM. Nothing of ours
    /// depends on it, so it runs in phase A; the step names no instance (the VM is nobody's).
    func rogueChains() -> [Chain] {
        rogues.sorted { $0.id < $1.id }.map {
            Chain(instance: nil, group: nil, index: nil, steps: [.deleteVM(vmID: $0.id)],
                  reason: "rogue VM \($0.id) deleted: healing.deleteRogue is true")
        }
    }

    /// The recorded disk of `id` no longer exists (not even as someone else's).
    func diskLost(_ id: String) -> Bool {
        guard let diskID = records[id]?.diskID else { return false }
        return disks[id]?.id != diskID && !observed.disks.contains { $0.id == diskID }
    }

    /// What is wrong with instance `index` of `group` (desired or surplus).
    func drift(group: GroupSpec, index: Int) -> InstanceDrift {
        let id = World.id(cluster, group.name, index)
        let vm = current[id]
        return InstanceDrift.observe(
            id: id, group: group, spec: spec, vm: vm, disk: disks[id], readopted: readopted.contains(id), record: records[id],
            memberOf: vm.map { memberships[$0.id] ?? [] } ?? [], health: vm.flatMap { observed.health[$0.id] },
            observedAt: observed.observedAt, diskLost: diskLost(id))
    }

    /// AZ of every index of `group`, sticky for existing instances.
    func placement(_ group: GroupSpec) -> [String] {
        var existing: [Int: String] = [:]
        for index in 0..<group.instances {
            let id = World.id(cluster, group.name, index)
            if let az = current[id]?.az ?? records[id]?.az ?? disks[id]?.az { existing[index] = az }
        }
        return Placement.assign(count: group.instances, azs: group.azs, existing: existing)
    }

    /// The changes of one desired instance (the caller leaves an instance with a lost disk
    /// alone: no silent empty replacement).
    func changes(group: GroupSpec, index: Int, az: String, jobsHash: String, drift: InstanceDrift, healing: HealingMode) -> InstanceChanges {
        let id = World.id(cluster, group.name, index)
        let vm = current[id]
        return InstanceChanges(
            id: id, group: group, index: index, az: az, spec: spec, vm: vm, disk: disks[id], record: records[id],
            memberOf: vm.map { memberships[$0.id] ?? [] } ?? [],
            jobsHash: jobsHash, drift: drift, healing: healing, readopted: readopted.contains(id))
    }

    /// VMs we created that are no longer any instance's current VM (an interrupted recreate).
    func extraVMChains() -> [Chain] {
        extras.sorted { $0.id < $1.id }.map { vm in
            let out = (memberships[vm.id] ?? []).sorted().map { ActionKind.deregister(lb: $0, vmID: vm.id) }
            return Chain(instance: vm.instanceID, group: vm.group, index: vm.index,
                         steps: out + [.stopJobs(vmID: vm.id), .deleteVM(vmID: vm.id)],
                         reason: "VM \(vm.id) left over from an interrupted change")
        }
    }


    /// Scale-down of a group that is still in the spec.
    func surplusChains(group: String) -> [Chain] {
        surplus.filter { World.groupOf($0) == group }.map { removal($0, reason: surplusReason($0)) }
    }

    /// Every instance of groups removed from the spec.
    func surplusChainsOfRemovedGroups() -> [Chain] {
        let groups = Set(spec.groups.map(\.name))
        return surplus.filter { !groups.contains(World.groupOf($0)) }.map { removal($0, reason: surplusReason($0)) }
    }

    static func groupOf(_ id: String) -> String {
        let parts = id.split(separator: "/")
        return parts.count == 3 ? String(parts[1]) : ""
    }

    static func indexOf(_ id: String) -> Int { Int(id.split(separator: "/").last ?? "") ?? 0 }

    private func surplusReason(_ id: String) -> String {
        let parts = id.split(separator: "/")
        let group = parts.count == 3 ? String(parts[1]) : id
        guard let g = spec.groups.first(where: { $0.name == group }) else { return "group \(group) removed from the spec" }
        return "scale down: group \(group) wants \(counted(g.instances, "instance"))"
    }

    /// Deregister → stop jobs → detach disk → delete VM → orphan disk → forget the instance.
    func removal(_ id: String, reason: String, includeDeregistration: Bool = true) -> Chain {
        let record = records[id]
        let vm = current[id]
        let disk = disks[id]
        var steps: [ActionKind] = []
        if let vm {
            if includeDeregistration { steps += (memberships[vm.id] ?? []).sorted().map { .deregister(lb: $0, vmID: vm.id) } }
            steps += [.stopJobs(vmID: vm.id)]
            if let disk, disk.attachedTo == vm.id { steps.append(.detachDisk(diskID: disk.id)) }
            steps.append(.deleteVM(vmID: vm.id))
        }
        if let disk { steps.append(.orphanDisk(diskID: disk.id)) }
        if record != nil { steps.append(.releaseInstance) }
        let parts = id.split(separator: "/")
        return Chain(instance: id, group: parts.count == 3 ? String(parts[1]) : nil,
                     index: parts.count == 3 ? Int(parts[2]) : nil, steps: steps, reason: reason)
    }

    /// Every instance that exists in any form.
    var allInstances: [String] { Set(records.keys).union(current.keys).union(disks.keys).sorted() }
}
