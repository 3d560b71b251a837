import BosunSim
import Foundation

/// The sim settings as `bosun sim faults` shows them (and its `--json` document).
struct SimFaultsReport: Encodable {
    struct Faults: Encodable {
        var operation: String
        var errorRate, terminalRate, timeoutRate: Double
        var latencyMs, jitterMs, timeoutHangMs: Double
    }

    var state: String
    var seed: UInt64?
    var bootTimeMs, jobStartTimeMs: Double
    var maxVms, maxDiskGib: Int?
    var faults: [Faults]

    init(_ settings: SimSettings, state: String) {
        self.state = state
        seed = settings.seed
        bootTimeMs = settings.bootTime.seconds * 1000
        jobStartTimeMs = settings.jobStartTime.seconds * 1000
        maxVms = settings.maxVMs
        maxDiskGib = settings.maxDiskGiB
        let rows = [("*", settings.faults)] + settings.overrides.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, $0.value) }
        faults = rows.map { name, f in
            Faults(
                operation: name, errorRate: f.errorRate, terminalRate: f.terminalRate, timeoutRate: f.timeoutRate,
                latencyMs: f.latency.seconds * 1000, jitterMs: f.jitter.seconds * 1000, timeoutHangMs: f.timeoutHang.seconds * 1000)
        }
    }

    func print() {
        func ms(_ value: Double) -> String { SimDurationArgument.format(.milliseconds(value)) }
        let lines: [(String, String)] = [
            ("state", state), ("seed", seed.map(String.init) ?? "none"), ("boot time", ms(bootTimeMs)),
            ("job start", ms(jobStartTimeMs)), ("max VMs", maxVms.map(String.init) ?? "none"),
            ("max disk", maxDiskGib.map { "\($0) GiB" } ?? "none"),
        ]
        for (key, value) in lines { Swift.print("\(key.padding(toLength: 10, withPad: " ", startingAt: 0)) \(value)") }
        Swift.print("")
        Output.table(
            ["OPERATION", "ERROR RATE", "TERMINAL RATE", "TIMEOUT RATE", "LATENCY", "JITTER", "TIMEOUT HANG"],
            faults.map { ["\($0.operation)", "\($0.errorRate)", "\($0.terminalRate)", "\($0.timeoutRate)", ms($0.latencyMs), ms($0.jitterMs), ms($0.timeoutHangMs)] })
    }
}
