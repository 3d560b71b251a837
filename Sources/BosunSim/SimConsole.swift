import BosunProvider
import Foundation
import GRDB

/// The operator's hand on the simulated cloud (`bosun sim …`, and tests): look at everything,
/// break things behind the controller's back, set faults, reset. Unlike provider calls, these
/// suffer no injected faults or latency, and they are strict: naming something that does not
/// exist is a terminal `NotFound`, never a silent success. Every method throws only
/// `ProviderError`; a throwing call changes nothing.
public struct SimConsole: Sendable {
    let cloud: SimCloud

    /// Every VM (of `cluster`, or of all clusters), with its agent's report.
    public func vms(cluster: String? = nil) async throws(ProviderError) -> [SimVMStatus] {
        try await cloud.administer { db, moment in
            let rows = try cluster.map { try VMTable.inCluster(db, $0) } ?? VMTable.all(db)
            let health = try JobTable.health(db, cluster: cluster, now: moment.now)
            let failures = try JobTable.failuresLeft(db, cluster: cluster)
            return rows.map { row in
                SimVMStatus(
                    vm: row.vm(at: moment.now), jobs: health[row.id]?.jobs ?? [:], lastHeartbeat: health[row.id]?.lastHeartbeat,
                    stickyFailures: (failures[row.id] ?? [:]).compactMapValues(SimJobFailure.init(failsLeft:)),
                    silentSince: row.silentSince.map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    /// Every disk (of `cluster`, or of all clusters).
    public func disks(cluster: String? = nil) async throws(ProviderError) -> [Disk] {
        try await cloud.administer { db, _ in try (cluster.map { try DiskTable.inCluster(db, $0) } ?? DiskTable.all(db)).map(\.disk) }
    }

    /// Every load balancer with its members, by name.
    public func loadBalancers() async throws(ProviderError) -> [SimLoadBalancer] {
        try await cloud.administer { db, _ in try LoadBalancerTable.all(db) }
    }

    /// The VM vanishes, as if the cloud lost it: its disks detach and stay, its jobs and LB
    /// memberships go with it.
    public func kill(vm id: String) async throws(ProviderError) {
        try await cloud.administer { db, _ in try VMTable.delete(db, VMTable.require(db, id: id).id) }
    }

    /// The VM powers off (and its jobs with it); already stopped is fine.
    public func stop(vm id: String) async throws(ProviderError) { try await stop(vms: [id]) }

    /// The VMs power off together, in one transaction: an observer sees all of them stopped
    /// or none. An unknown id changes nothing and is `NotFound`.
    public func stop(vms ids: [String]) async throws(ProviderError) {
        try await cloud.administer { db, moment in
            for id in ids {
                let vm = try VMTable.require(db, id: id)
                if vm.powered { try VMTable.stop(db, vm.id, now: moment.now) }
            }
        }
    }

    /// The VM powers on again, as an operator's reboot would, and the processes it ran come back
    /// with it (after the boot and job start times); already running is fine.
    public func start(vm id: String) async throws(ProviderError) { try await start(vms: [id]) }

    /// The VMs power on together, in one transaction; an unknown id changes nothing.
    public func start(vms ids: [String]) async throws(ProviderError) {
        try await cloud.administer { db, moment in
            for id in ids {
                let vm = try VMTable.require(db, id: id)
                guard !vm.powered else { continue }
                try VMTable.start(db, vm.id, now: moment.now, bootTime: moment.cloud.bootTime)
                let jobs = try String.fetchAll(db, sql: "SELECT name FROM jobs WHERE vm_id = ? ORDER BY name", arguments: [vm.id])
                let ready = moment.now + moment.cloud.bootTime + moment.cloud.jobStartTime
                try JobTable.start(db, vm: vm.id, jobs: jobs, now: moment.now, readyAt: ready, restart: false)
            }
        }
    }

    /// The disk comes off its VM. Not attached: terminal `IncorrectState`.
    public func detach(disk id: String) async throws(ProviderError) {
        try await cloud.administer { db, _ in try DiskTable.detach(db, id: id) }
    }

    /// The VM drops out of the load balancer. An unknown LB or a VM that is not a member:
    /// terminal `NotFound`.
    public func deregister(lb: String, vm id: String) async throws(ProviderError) {
        try await cloud.administer { db, _ in
            guard try LoadBalancerTable.exists(db, lb: lb) else { throw SimError.notFound("load balancer", lb) }
            let vm = try VMTable.require(db, id: id)
            guard try LoadBalancerTable.deregister(db, lb: lb, vm: vm.id) else {
                throw SimError.notFound("member \(id) of load balancer", lb)
            }
        }
    }

    /// The job's process dies: it reports `failed` until restarted. With `.times(N)` each of
    /// its next N starts or restarts succeeds as a call but the job reports `starting`, then
    /// `failed`; with `.always` every start does, until `clearJobFailure` or the VM is deleted.
    /// Replaces the job's earlier `times`/`always`. A job the VM never ran: terminal `NotFound`;
    /// a negative count: terminal `InvalidParameter`.
    public func failJob(vm id: String, job: String, failure: SimJobFailure = .once) async throws(ProviderError) {
        try await cloud.administer { db, _ in
            if case .times(let count) = failure, count < 0 {
                throw SimError.invalid("failure count \(count) is negative; give 0 or more (--times N)")
            }
            let vm = try VMTable.require(db, id: id)
            guard try JobTable.fail(db, vm: vm.id, job: job, failsLeft: failure.failsLeft) else {
                throw SimError.notFound("job \(job) on VM", id)
            }
        }
    }

    /// Makes a VM tagged as `cluster`'s that nobody asked for (group `rogue`), in the AZ of the
    /// cluster's first VM (or `z1`), and returns it.
    public func rogue(cluster: String) async throws(ProviderError) -> VM {
        try await cloud.administer { db, moment in
            guard !cluster.isEmpty else { throw SimError.invalid("cluster name is empty") }
            let next = (try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'vms'") ?? 0) + 1
            let name = "rogue-" + SimID.format(SimID.vm, next)
            let az = try VMTable.inCluster(db, cluster).first?.az ?? "z1"
            let request = VMRequest(
                cluster: cluster, group: "rogue", index: 0, instanceID: name, az: az, vmType: "unknown", image: "unknown",
                idempotencyKey: name)
            return try VMTable.insert(db, request, now: moment.now, bootTime: 0).vm(at: moment.now)
        }
    }

    /// The stored settings: seed, boot and job start times, quotas, faults.
    public func settings() async throws(ProviderError) -> SimSettings {
        try await cloud.administer { db, _ in try CloudTable.settings(db) }
    }

    /// Changes the settings in one transaction and returns them. Invalid settings (a rate
    /// outside 0...1, rates adding up past 1, a negative duration or quota) are a terminal
    /// `InvalidParameter`, and nothing changes.
    @discardableResult
    public func configure(_ change: @escaping @Sendable (inout SimSettings) -> Void) async throws(ProviderError) -> SimSettings {
        try await cloud.administer { db, _ in
            var settings = try CloudTable.settings(db)
            change(&settings)
            try settings.validate()
            try CloudTable.store(db, settings)
            return settings
        }
    }

    /// An empty cloud with default settings and no call counts. Ids keep counting up, so an id seen before the
    /// reset never names something made after it.
    public func reset() async throws(ProviderError) {
        try await cloud.administer { db, _ in
            for table in ["lb_members", "lbs", "jobs", "disks", "vms", "calls"] { try db.execute(sql: "DELETE FROM \(table)") }
            _ = cloud.calls.drain()
            try CloudTable.store(db, SimSettings())
        }
    }
}
