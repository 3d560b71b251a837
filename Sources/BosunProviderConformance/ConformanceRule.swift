/// The rules of the `InfrastructureProvider` contract, as `docs/providers.md` states them. Each
/// is checked by `ProviderConformance.check(_:)`; the raw value is the id used in the doc.
public enum ConformanceRule: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case vmCreateIdempotent = "vm-create-idempotent"
    case diskCreateIdempotent = "disk-create-idempotent"
    case listAfterCreate = "list-after-create"
    case deleteMissingSucceeds = "delete-missing-succeeds"
    case attachMissing = "attach-missing"
    case attachAttachedElsewhere = "attach-attached-elsewhere"
    case detachUnattached = "detach-unattached"
    case deleteAttachedDisk = "delete-attached-disk"
    case deleteVMKeepsDisks = "delete-vm-keeps-disks"
    case resize = "resize"
    case startStop = "start-stop"
    case errorClassification = "error-classification"
    case tagsRoundTrip = "tags-round-trip"
    case lbMembership = "lb-membership"
    case concurrentCreate = "concurrent-create"
    case keyParameterMismatch = "key-parameter-mismatch"
    case attachAcrossAZs = "attach-across-azs"
    case bulkObservation = "bulk-observation"

    public var description: String { rawValue }

    /// Mandatory rules are what the controller relies on; a provider that breaks one is not
    /// usable. The others are what real clouds do, and the controller is better tested when
    /// the sim does them too.
    public var isMandatory: Bool {
        switch self {
        case .keyParameterMismatch, .attachAcrossAZs: false
        default: true
        }
    }

    /// The rule in one sentence.
    public var statement: String {
        switch self {
        case .vmCreateIdempotent:
            "createVM with a key already used returns the VM that key made; another key makes another VM"
        case .diskCreateIdempotent:
            "createDisk with a key already used returns the disk that key made; another key makes another disk"
        case .listAfterCreate:
            "a completed create is in the very next list of its cluster (and of no other); a completed delete is not"
        case .deleteMissingSucceeds:
            "deleting a VM or disk that is already gone succeeds"
        case .attachMissing:
            "attaching to a VM that is gone, or attaching a disk that is gone, is a terminal NotFound and changes nothing"
        case .attachAttachedElsewhere:
            "attaching a disk attached to another VM is a terminal IncorrectState; attaching it to its own VM again succeeds"
        case .detachUnattached:
            "detaching a disk that is not attached is a terminal IncorrectState; detaching a disk that is gone, a terminal NotFound"
        case .deleteAttachedDisk:
            "deleting an attached disk is a terminal IncorrectState and the disk stays, attached"
        case .deleteVMKeepsDisks:
            "deleting a VM detaches its disks and never deletes them"
        case .resize:
            "growing a disk shows in the next list; shrinking it, or a size of zero or less, is a terminal InvalidParameter and changes nothing"
        case .startStop:
            "stopVM and startVM are idempotent and show in the next list; on a VM that is gone they are a terminal NotFound"
        case .errorClassification:
            "every failure is a ProviderError, and shared meanings use the shared code and kind (NotFound, InvalidParameter, IncorrectState: terminal)"
        case .tagsRoundTrip:
            "every tag of a create comes back from list: cluster, group, index, instanceID, az, vmType, image, key (VMs); cluster, instanceID, az, size, type, key (disks)"
        case .lbMembership:
            "register and deregister are idempotent; deregistering from, or listing, an LB that does not exist succeeds (empty); registering a VM that is gone is a terminal NotFound"
        case .concurrentCreate:
            "16 concurrent creates with one key make one VM (and one disk), and every caller gets its id"
        case .keyParameterMismatch:
            "a known key with different parameters is a terminal error, never a second resource"
        case .attachAcrossAZs:
            "attaching a disk to a VM in another AZ is a terminal InvalidParameter"
        case .bulkObservation:
            "one paginated inventory sweep reports, for every cluster, the VMs, disks, members and health the per-cluster calls report (clusters with no VM, detached disks and stopped VMs included)"
        }
    }
}
