import ArgumentParser
import BosunProvider
import BosunSim
import Foundation

/// `bosun sim create-vm` (hidden): calls the provider's `createVM` as the controller would,
/// faults included. It exists so tests can race creates from separate processes
/// (`docs/providers.md`); operators have no use for it.
struct SimCreateVMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-vm", abstract: "Call createVM as the controller would (for tests).", shouldDisplay: false)

    @OptionGroup var sim: SimOptions

    @Option(help: "Cluster tag.")
    var cluster: String
    @Option(help: "Idempotency key; with --count N, the keys are KEY-0 … KEY-(N-1).")
    var key: String
    @Option(help: "How many VMs (one key each).")
    var count = 1
    @Flag(help: "Go through the keys from last to first.")
    var reverse = false
    @Option(help: "AZ tag.")
    var az = "z1"
    @Option(help: "After opening the sim, wait (at most 30 s) until this file exists, so racing processes start together.")
    var waitFor: String?

    func validate() throws {
        guard (1...100_000).contains(count) else { throw ValidationError("--count must be from 1 to 100000") }
    }

    func run() async throws {
        let indexes = reverse ? Array((0..<count).reversed()) : Array(0..<count)
        let made = try await sim.withCloud { cloud in
            if let waitFor { try await Self.wait(for: waitFor) }
            var made: [VM] = []
            for index in indexes {
                let key = count == 1 ? self.key : "\(self.key)-\(index)"
                let request = VMRequest(
                    cluster: cluster, group: "worker", index: index, instanceID: "\(cluster)-worker-\(index)", az: az,
                    vmType: "small", image: "image-1", idempotencyKey: key)
                made.append(try await cloud.createVM(request))
            }
            return made
        }
        try Output.json(["vms": made.sorted { $0.index < $1.index }])
    }

    private static func wait(for path: String) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !FileManager.default.fileExists(atPath: path) {
            guard ContinuousClock.now < deadline else {
                Output.error("\(path) did not appear within 30 s")
                throw ExitCode.failure
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}
