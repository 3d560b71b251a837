import BosunProvider
import Foundation

/// A VM as the operator sees it: what the provider reports plus what its agent reports.
public struct SimVMStatus: Sendable, Hashable, Codable {
    public var vm: VM
    /// The agent's jobs; empty while the VM boots (no agent yet) or before any job started.
    public var jobs: [String: JobState]
    /// Nil while the VM boots.
    public var lastHeartbeat: Date?
    /// Jobs whose next starts still fail (`.times(N)`: the next N; `.always`: every one), from
    /// `SimConsole.failJob(vm:job:failure:)`. Jobs that fail at most once are absent.
    public var stickyFailures: [String: SimJobFailure]
    /// When an operator silenced the VM's agent (`SimConsole.silence(vm:)`); nil while it
    /// heartbeats.
    public var silentSince: Date?

    public init(
        vm: VM, jobs: [String: JobState], lastHeartbeat: Date?, stickyFailures: [String: SimJobFailure] = [:],
        silentSince: Date? = nil
    ) {
        self.vm = vm
        self.jobs = jobs
        self.lastHeartbeat = lastHeartbeat
        self.stickyFailures = stickyFailures
        self.silentSince = silentSince
    }
}
