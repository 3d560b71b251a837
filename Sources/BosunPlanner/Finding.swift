/// Something observation found wrong with a cluster. Reported on every pass while the condition
/// lasts, in every healing mode, one per `(kind, instance, resource)`; whether the plan also acts
/// on it depends on the healing mode and the disruption budget.
public struct Finding: Hashable, Sendable, Codable {
    /// What was found. The raw values are the `findings` table's `kind` column and event kinds.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// A recorded instance's VM no longer exists (resource: the recorded VM id).
        case vmMissing = "vm-missing"
        /// An instance's VM is stopped (resource: the VM id).
        case vmStopped = "vm-stopped"
        /// Jobs on a running VM whose agent answers are failed or stopped (resource: the VM id;
        /// the message names the jobs).
        case jobFailed = "job-failed"
        /// A running VM's agent has not been heard from for longer than
        /// `healing.agentTimeoutSeconds` (resource: the VM id).
        case agentSilent = "agent-silent"
        /// An instance's disk exists but is not attached to its VM (resource: the disk id).
        case diskDetached = "disk-detached"
        /// An instance's recorded disk no longer exists (resource: the disk id). Never healed:
        /// the instance is left alone rather than given a silent empty replacement.
        case diskMissing = "disk-missing"
        /// A VM is not registered in its group's load balancer (resource: the LB name).
        case lbMemberMissing = "lb-member-missing"
        /// A VM is registered in a load balancer its group does not name (resource: the LB name).
        case lbMemberExtra = "lb-member-extra"
        /// A VM's type differs from the spec (resource: the VM id); fixed by the rollout.
        case vmWrongType = "vm-wrong-type"
        /// A VM's image differs from the spec (resource: the VM id); fixed by the rollout.
        case vmWrongImage = "vm-wrong-image"
        /// A VM tagged as the cluster's that Bosun did not create (resource: the VM id).
        case rogueVM = "rogue-vm"
        /// A certificate's active version expires within the cluster's `credentials.rotateBefore`
        /// (resource: `name@vN`). Fixed by `bosun creds rotate`, or by Bosun itself with
        /// `credentials.autoRotate`.
        case certificateExpiring = "certificate-expiring"

        /// Whether healing fixes it when healing is allowed. False for a missing disk (never
        /// replaced silently), a wrong type or image (the rollout fixes those, in every mode)
        /// and rogue VMs (deleted only with `healing.deleteRogue`).
        public var isHealable: Bool {
            switch self {
            case .vmMissing, .vmStopped, .jobFailed, .agentSilent, .diskDetached, .lbMemberMissing, .lbMemberExtra: true
            case .diskMissing, .vmWrongType, .vmWrongImage, .rogueVM, .certificateExpiring: false
            }
        }
    }

    public var kind: Kind
    /// Instance id (`cluster/group/index`), or nil for a VM that claims no instance.
    public var instance: String?
    /// The VM, disk or load balancer concerned (see `Kind`).
    public var resource: String
    /// What was seen, for humans. Stable while the condition lasts (no ages or counters).
    public var message: String

    public init(kind: Kind, instance: String?, resource: String, message: String) {
        self.kind = kind
        self.instance = instance
        self.resource = resource
        self.message = message
    }
}
