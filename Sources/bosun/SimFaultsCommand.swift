import ArgumentParser
import BosunSim

/// `bosun sim faults`: show or change what goes wrong with provider calls. A running controller
/// sees the change on its next call.
struct SimFaultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faults",
        abstract: "Show (no flags) or set injected faults, latency, quotas, boot and job start times.",
        discussion: """
            Rates are fractions of calls: --error-rate fails them with a retryable ServiceUnavailable, \
            --terminal-rate with a terminal InjectedFailure, --timeout-rate makes them hang for \
            latency + --timeout-hang and throw a retryable Timeout (half of them take effect first). \
            Without --operation the rates and delays apply to every operation that has no entry of its \
            own; with it, to that operation only. Flags not given keep their value. \
            Operations: \(SimOperation.allCases.map(\.rawValue).joined(separator: ", ")).
            """)

    @OptionGroup var sim: SimOptions

    @Option(parsing: .unconditional, help: "Fraction of calls failing with a retryable error (0...1).")
    var errorRate: Double?
    @Option(parsing: .unconditional, help: "Fraction of calls failing with a terminal error (0...1).")
    var terminalRate: Double?
    @Option(parsing: .unconditional, help: "Fraction of calls that hang and time out (0...1).")
    var timeoutRate: Double?
    @Option(help: "Fixed delay added to every call (0, 50ms, 1s).")
    var latency: SimDurationArgument?
    @Option(help: "Uniform random extra delay, up to this much.")
    var jitter: SimDurationArgument?
    @Option(help: "How long a timed-out call hangs past its latency.")
    var timeoutHang: SimDurationArgument?
    @Option(help: "Only change this operation's faults (e.g. createVM).")
    var operation: String?
    @Flag(help: "Remove every fault, or with --operation that operation's own entry.")
    var clear = false
    @Option(help: "Most VMs the cloud holds, or none.")
    var maxVms: NoneOr<Int>?
    @Option(help: "Most GiB of disk the cloud holds, or none.")
    var maxDiskGib: NoneOr<Int>?
    @Option(help: "Seed of the fault draws, or none.")
    var seed: NoneOr<UInt64>?
    @Option(help: "How long new or started VMs report creating.")
    var bootTime: SimDurationArgument?
    @Option(help: "How long started jobs report starting.")
    var jobStartTime: SimDurationArgument?
    @Flag(help: "Print one JSON document.")
    var json = false

    func validate() throws {
        if let operation, SimOperation(rawValue: operation) == nil {
            throw ValidationError("unknown operation '\(operation)'; one of: \(SimOperation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    private var changesSomething: Bool {
        let values: [Any?] = [errorRate, terminalRate, timeoutRate, latency, jitter, timeoutHang, maxVms, maxDiskGib, seed, bootTime, jobStartTime]
        return clear || values.contains { $0 != nil }
    }

    func run() async throws {
        let change = settingsChange()
        let settings = try await sim.withCloud { cloud in
            changesSomething ? try await cloud.console.configure(change) : try await cloud.console.settings()
        }
        if json { return try Output.json(SimFaultsReport(settings, state: sim.statePath)) }
        SimFaultsReport(settings, state: sim.statePath).print()
    }

    /// The flags as one change to the stored settings; flags not given keep their value.
    private func settingsChange() -> @Sendable (inout SimSettings) -> Void {
        let (operation, clear) = (operation.flatMap(SimOperation.init(rawValue:)), clear)
        let (errorRate, terminalRate, timeoutRate) = (errorRate, terminalRate, timeoutRate)
        let (latency, jitter, hang) = (latency?.duration, jitter?.duration, timeoutHang?.duration)
        let (maxVMs, maxDisk, seed, boot, jobStart) = (maxVms, maxDiskGib, seed, bootTime?.duration, jobStartTime?.duration)
        return { settings in
            if clear {
                if let operation { settings.overrides[operation] = nil } else { (settings.faults, settings.overrides) = (.none, [:]) }
            }
            var faults = operation.flatMap { settings.overrides[$0] } ?? settings.faults
            faults.errorRate = errorRate ?? faults.errorRate
            faults.terminalRate = terminalRate ?? faults.terminalRate
            faults.timeoutRate = timeoutRate ?? faults.timeoutRate
            faults.latency = latency ?? faults.latency
            faults.jitter = jitter ?? faults.jitter
            faults.timeoutHang = hang ?? faults.timeoutHang
            let touched = [errorRate, terminalRate, timeoutRate].contains { $0 != nil } || [latency, jitter, hang].contains { $0 != nil }
            if touched {
                if let operation { settings.overrides[operation] = faults } else { settings.faults = faults }
            }
            if let maxVMs { settings.maxVMs = maxVMs.value }
            if let maxDisk { settings.maxDiskGiB = maxDisk.value }
            if let seed { settings.seed = seed.value }
            if let boot { settings.bootTime = boot }
            if let jobStart { settings.jobStartTime = jobStart }
        }
    }
}
