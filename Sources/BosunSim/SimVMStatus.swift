import BosunProvider
import Foundation

/// A VM as the operator sees it: what the provider reports plus what its agent reports.
public struct SimVMStatus: Sendable, Hashable, Codable {
    public var vm: VM
    /// The agent's jobs; empty while the VM boots (no agent yet) or before any job started.
    public var jobs: [String: JobState]
    /// Nil while the VM boots.
    public var lastHeartbeat: Date?

    public init(vm: VM, jobs: [String: JobState], lastHeartbeat: Date?) {
        self.vm = vm
        self.jobs = jobs
        self.lastHeartbeat = lastHeartbeat
    }
}
