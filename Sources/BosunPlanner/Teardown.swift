import BosunModel
import BosunProvider

/// Ordered teardown of a whole cluster (Cluster API order).
struct Teardown {
    let world: World

    func build(into builder: inout PlanBuilder) {
        var deregistered: [Int] = []
        for id in world.allInstances {
            guard let vm = world.current[id] else { continue }
            for lb in (world.memberships[vm.id] ?? []).sorted() {
                let chain = Chain(instance: id, group: vm.group, index: vm.index, steps: [.deregister(lb: lb, vmID: vm.id)], reason: "cluster deletion")
                if let last = builder.add(chain, after: []) { deregistered.append(last) }
            }
        }
        for vm in world.extras {
            for lb in (world.memberships[vm.id] ?? []).sorted() {
                let chain = Chain(instance: vm.instanceID, group: vm.group, index: vm.index, steps: [.deregister(lb: lb, vmID: vm.id)], reason: "cluster deletion")
                if let last = builder.add(chain, after: []) { deregistered.append(last) }
            }
        }
        let controlPlane = Set(world.spec.groups.filter { $0.jobs.contains("etcd") || $0.jobs.contains("kube-apiserver") }.map(\.name))
        let (masters, workers) = world.allInstances.reduce(into: ([String](), [String]())) { acc, id in
            let group = id.split(separator: "/").dropFirst().first.map(String.init) ?? ""
            if controlPlane.contains(group) { acc.0.append(id) } else { acc.1.append(id) }
        }
        var workerEnds: [Int] = []
        for id in workers {
            if let last = builder.add(world.removal(id, reason: "cluster deletion: workers first", includeDeregistration: false), after: deregistered) {
                workerEnds.append(last)
            }
        }
        for vm in world.extras {
            let chain = Chain(instance: vm.instanceID, group: vm.group, index: vm.index,
                              steps: [.stopJobs(vmID: vm.id), .deleteVM(vmID: vm.id)], reason: "cluster deletion")
            if let last = builder.add(chain, after: deregistered) { workerEnds.append(last) }
        }
        let afterWorkers = workerEnds.isEmpty ? deregistered : workerEnds
        for id in masters {
            builder.add(world.removal(id, reason: "cluster deletion: control plane last", includeDeregistration: false), after: afterWorkers)
        }
    }
}
