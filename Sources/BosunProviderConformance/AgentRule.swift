/// The rules of the `NodeAgent` contract, as `docs/providers.md` states them, checked by
/// `AgentConformance.check(_:)`. All are mandatory for a provider that has an agent.
public enum AgentRule: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case jobsStart = "jobs-start"
    case jobsRestart = "jobs-restart"
    case jobsStop = "jobs-stop"
    case agentMissingVM = "agent-missing-vm"
    case healthScope = "health-scope"
    case configuration = "configuration"

    public var description: String { rawValue }

    /// The rule in one sentence.
    public var statement: String {
        switch self {
        case .jobsStart:
            "startJobs on a running VM makes each job report running (after starting), with a heartbeat; starting again leaves them running"
        case .jobsRestart:
            "restartJobs brings a job back to running, a failed one included"
        case .jobsStop:
            "stopJobs leaves no job running; on a VM that is gone it succeeds"
        case .agentMissingVM:
            "startJobs and restartJobs on a VM that is gone are a terminal NotFound"
        case .healthScope:
            "health of a cluster reports its own VMs only, each under its VM id"
        case .configuration:
            "configure hands a running VM its configuration (any size) and configuration returns it unchanged; a second configure replaces it; a VM never configured returns nil; configure on a VM that is gone is a terminal NotFound"
        }
    }
}
