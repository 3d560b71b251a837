import ArgumentParser
import BosunModel
import BosunProvider
import BosunSim
import Foundation

/// `bosun sim node VM`: the configuration a simulated VM's agent last received.
struct SimNodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node", abstract: "Show the configuration a VM last received (secrets masked).",
        discussion: """
            What Bosun handed the VM's agent before its jobs last started: identity, jobs, properties with \
            credentials resolved, links to every instance of the cluster, and the configuration hash. Passwords \
            and private keys show as <redacted> unless --reveal is given.
            """)

    @OptionGroup var sim: SimOptions

    @Argument(help: "VM id, e.g. vm-000001.")
    var vm: String

    @Flag(help: "Print one JSON document.")
    var json = false

    @Flag(help: "Show passwords and private keys too.")
    var reveal = false

    func run() async throws {
        guard let received = try await sim.withCloud(create: false, { try await $0.configuration(vmID: vm) }) else {
            print("\(vm) has received no configuration yet")
            return
        }
        let config = reveal ? received : received.redacted
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if json { return print(String(decoding: try encoder.encode(config), as: UTF8.self)) }
        let id = config.identity
        print("VM:          \(vm)")
        print("instance:    \(id.instanceID) (cluster \(id.cluster), group \(id.group), index \(id.index), az \(id.az))")
        print("address:     \(id.address ?? "-")")
        print("kubernetes:  \(config.kubernetesVersion)")
        print("jobs:        \(config.jobs.isEmpty ? "-" : config.jobs.joined(separator: ", "))")
        print("hash:        \(config.hash)")
        print("links:")
        for group in config.links.keys.sorted() {
            let members = config.links[group]!.map { "\($0.index)=\($0.address ?? "?")" }.joined(separator: " ")
            print("  \(group): \(members)")
        }
        print("properties:")
        print(String(decoding: try encoder.encode(config.properties), as: UTF8.self))
    }
}
