import BosunModel
import BosunPlanner

enum PF {
    static func group(
        _ name: String, _ n: Int, azs: [String] = ["z1", "z2", "z3"], vmType: String = "small", disk: DiskSpec? = nil,
        lb: String? = nil, jobs: [String] = ["kubelet"], update: UpdatePolicy = .defaults
    ) -> GroupSpec {
        GroupSpec(name: name, instances: n, azs: azs, vmType: vmType, disk: disk, loadBalancer: lb, jobs: jobs,
                  properties: .emptyObject, update: update)
    }

    static func spec(_ groups: [GroupSpec], image: String = "img-1", version: String = "1.31.2") -> ClusterSpec {
        ClusterSpec(name: "c", provider: .sim, region: nil, image: image, kubernetes: KubernetesSpec(version: version),
                    update: .defaults, healing: .defaults, deletion: .protect, groups: groups)
    }

    /// The 3-master / 5-worker cluster of the examples.
    static func ha(masters: Int = 3, workers: Int = 5, image: String = "img-1", version: String = "1.31.2",
                   workerUpdate: UpdatePolicy = .defaults, workerType: String = "large", diskMiB: Int = 5120) -> ClusterSpec {
        spec([
            group("master", masters, disk: DiskSpec(sizeMiB: diskMiB, type: nil), lb: "api",
                  jobs: ["etcd", "kube-apiserver", "kubelet"], update: UpdatePolicy(canaries: .count(1), maxInFlight: .count(3), serial: true, vmStrategy: .deleteCreate)),
            group("worker", workers, vmType: workerType, jobs: ["kubelet", "kube-proxy"], update: workerUpdate),
        ], image: image, version: version)
    }

    /// A simulator holding `spec` fully converged.
    static func converged(_ spec: ClusterSpec) throws -> PlanSimulator {
        var sim = PlanSimulator(cluster: "c")
        _ = try sim.apply(sim.plan(spec), spec: spec)
        return sim
    }
}
