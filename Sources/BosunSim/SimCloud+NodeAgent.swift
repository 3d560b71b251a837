import BosunProvider
import GRDB

extension SimCloud: NodeAgent {
    /// A VM still booting: retryable `IncorrectState`. Stopped: terminal `IncorrectState` (start
    /// the VM first). Gone: terminal `NotFound`. Jobs already running keep their process;
    /// stopped or failed ones start, reporting `starting` for the configured start-up time.
    public func startJobs(vmID: String, jobs: [String]) async throws {
        try await perform(.startJobs) { db, moment in
            let vm = try Self.agentVM(db, vmID, moment, jobs: jobs)
            try JobTable.start(
                db, vm: vm.id, jobs: jobs, now: moment.now, readyAt: moment.now + moment.cloud.jobStartTime, restart: false)
        }
    }

    public func stopJobs(vmID: String) async throws {
        try await perform(.stopJobs) { db, _ in
            guard let vm = try VMTable.find(db, id: vmID) else { return }
            try JobTable.stopAll(db, vm: vm.id)
        }
    }

    /// The same VM rules as `startJobs`.
    public func restartJobs(vmID: String, jobs: [String]) async throws {
        try await perform(.restartJobs) { db, moment in
            let vm = try Self.agentVM(db, vmID, moment, jobs: jobs)
            try JobTable.start(
                db, vm: vm.id, jobs: jobs, now: moment.now, readyAt: moment.now + moment.cloud.jobStartTime, restart: true)
        }
    }

    /// VMs still booting have no agent yet and are absent.
    public func health(cluster: String) async throws -> [String: NodeHealth] {
        try await perform(.health) { db, moment in
            let byRow = try JobTable.health(db, cluster: cluster, now: moment.now)
            return Dictionary(uniqueKeysWithValues: byRow.values.map { ($0.vmID, $0) })
        }
    }

    /// The VM whose agent can take orders now. An empty job name: terminal `InvalidParameter`.
    private static func agentVM(_ db: Database, _ id: String, _ moment: Moment, jobs: [String]) throws -> VMTable.Row {
        guard !jobs.contains(where: \.isEmpty) else { throw SimError.invalid("a job name is empty") }
        let vm = try VMTable.require(db, id: id)
        switch vm.state(at: moment.now) {
        case .running: return vm
        case .creating: throw SimError.incorrectState("VM \(id) is still booting; its agent is not up yet", retryable: true)
        case .stopped: throw SimError.incorrectState("VM \(id) is stopped; start it first")
        }
    }
}
