import BosunProvider
import Foundation
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

    /// Keeps `config` as the VM's own copy (replacing the last one). VM rules as `startJobs`.
    public func configure(vmID: String, config: NodeConfig) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(config), as: UTF8.self)
        try await perform(.configure) { db, moment in
            let vm = try Self.agentVM(db, vmID, moment, jobs: config.jobs)
            try db.cachedStatement(sql: """
                INSERT INTO node_configs (vm_id, config, hash, received_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (vm_id) DO UPDATE SET config = excluded.config, hash = excluded.hash, received_at = excluded.received_at
                """).execute(arguments: [vm.id, text, config.hash, moment.now])
        }
    }

    /// The VM's copy of its configuration; nil if it never received one. Missing VM: terminal
    /// `NotFound`.
    public func configuration(vmID: String) async throws -> NodeConfig? {
        let text = try await perform(.configuration) { db, _ -> String? in
            let vm = try VMTable.require(db, id: vmID)
            return try String.fetchOne(db, sql: "SELECT config FROM node_configs WHERE vm_id = ?", arguments: [vm.id])
        }
        guard let text else { return nil }
        return try JSONDecoder().decode(NodeConfig.self, from: Data(text.utf8))
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
