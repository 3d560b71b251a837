import BosunProvider
import Foundation

/// Breaking agents in ways that outlast one restart: sticky job failures and silence.
extension SimConsole {
    /// Ends the job's sticky failure (`failJob(vm:job:failure:)` with `.times` or `.always`):
    /// its next start comes up `running`, and a process still starting comes up `running` too.
    /// A job that has already failed stays failed until started again. Returns what was left
    /// (nil: the job had no sticky failure, which is fine). Unknown VM or job: terminal `NotFound`.
    @discardableResult
    public func clearJobFailure(vm id: String, job: String) async throws(ProviderError) -> SimJobFailure? {
        try await cloud.administer { db, moment in
            let vm = try VMTable.require(db, id: id)
            let left = try JobTable.failuresLeft(db, cluster: vm.cluster)[vm.id]?[job]
            guard try JobTable.clearFailures(db, vm: vm.id, job: job, now: moment.now) else {
                throw SimError.notFound("job \(job) on VM", id)
            }
            return left.flatMap(SimJobFailure.init(failsLeft:))
        }
    }

    /// The VM's agent stops heartbeating: the VM keeps running and its jobs keep their state
    /// (and still take orders), but `health` reports its last heartbeat as this moment for as
    /// long as it stays silent. Silencing a silent agent keeps the first moment. Returns the
    /// moment it went silent. A VM made later (a recreate) is a new VM and heartbeats.
    /// Unknown VM: terminal `NotFound`.
    @discardableResult
    public func silence(vm id: String) async throws(ProviderError) -> Date {
        try await cloud.administer { db, moment in
            let vm = try VMTable.require(db, id: id)
            try VMTable.silence(db, vm.id, at: moment.now)
            return Date(timeIntervalSince1970: vm.silentSince ?? moment.now)
        }
    }

    /// The agent heartbeats again (a running VM's heartbeat is the time of the call). Returns
    /// when it had gone silent (nil: it was not silent, which is fine). Unknown VM: terminal
    /// `NotFound`.
    @discardableResult
    public func resume(vm id: String) async throws(ProviderError) -> Date? {
        try await cloud.administer { db, _ in
            let vm = try VMTable.require(db, id: id)
            try VMTable.silence(db, vm.id, at: nil)
            return vm.silentSince.map(Date.init(timeIntervalSince1970:))
        }
    }
}
