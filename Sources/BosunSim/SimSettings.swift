import BosunProvider

/// The whole cloud's configuration, stored in the sim file so that `bosun sim faults` in one
/// process changes what a running controller sees on its next call.
public struct SimSettings: Sendable, Hashable {
    /// Seeds the fault draws; a change (with any other setting) restarts the sequence in every
    /// process on its next call. Nil: each process uses the seed it was opened with.
    public var seed: UInt64?
    /// How long a created (or started) VM reports `creating` before `running`.
    public var bootTime: Duration
    /// How long a started job reports `starting` before `running`.
    public var jobStartTime: Duration
    /// Creates beyond this many VMs fail with terminal `QuotaExceeded`; nil: no limit.
    public var maxVMs: Int?
    /// Creates or growth beyond this many GiB of disk in total fail with terminal
    /// `QuotaExceeded`; nil: no limit.
    public var maxDiskGiB: Int?
    /// Faults for every operation without its own entry in `overrides`.
    public var faults: SimFaults
    /// Faults for single operations, replacing `faults` for them.
    public var overrides: [SimOperation: SimFaults]

    public init(
        seed: UInt64? = nil, bootTime: Duration = .zero, jobStartTime: Duration = .zero, maxVMs: Int? = nil,
        maxDiskGiB: Int? = nil, faults: SimFaults = .none, overrides: [SimOperation: SimFaults] = [:]
    ) {
        self.seed = seed
        self.bootTime = bootTime
        self.jobStartTime = jobStartTime
        self.maxVMs = maxVMs
        self.maxDiskGiB = maxDiskGiB
        self.faults = faults
        self.overrides = overrides
    }

    /// The faults that apply to `operation`.
    public func faults(for operation: SimOperation) -> SimFaults { overrides[operation] ?? faults }

    func validate() throws(ProviderError) {
        try faults.validate()
        for fault in overrides.values { try fault.validate() }
        guard bootTime >= .zero, jobStartTime >= .zero else { throw SimError.invalid("boot and job start times must not be negative") }
        if let maxVMs, maxVMs < 0 { throw SimError.invalid("max VMs \(maxVMs) is negative") }
        if let maxDiskGiB, maxDiskGiB < 0 { throw SimError.invalid("max disk GiB \(maxDiskGiB) is negative") }
    }
}
