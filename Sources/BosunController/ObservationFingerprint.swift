import BosunPlanner
import BosunProvider
import Crypto
import Foundation

/// A digest of what matters in one observation of a cluster, so a drift sweep can tell "same as
/// when it was last left alone" from "something changed" without planning. Heartbeat times are
/// left out (they change on every read); whether an agent is silent past its timeout is in.
/// SHA-256 over a canonical encoding, so it means the same in every process: a settled pass
/// stores it (`clusters.settled_observation`) for `bosun plan` and a restarted `bosun run`.
struct ObservationFingerprint: Hashable, Sendable {
    /// The first 128 bits of the SHA-256.
    let high: UInt64
    let low: UInt64
    /// The timeout it judged silence with, so a bulk sweep can fingerprint a new observation
    /// the same way without loading the cluster's spec (a spec change queues a pass anyway).
    let agentTimeout: TimeInterval

    init(_ observed: Observed, agentTimeout: TimeInterval, at now: Date) {
        self.agentTimeout = agentTimeout
        var out = Encoding()
        // About what a VM with its report and a disk take, so the buffer grows once or not at all.
        out.bytes.reserveCapacity(observed.vms.count * 120 + observed.disks.count * 80 + 64)
        for vm in observed.vms.sorted(by: { $0.id < $1.id }) {
            out.put("vm", vm.id, vm.state.rawValue, vm.vmType, vm.image, vm.az)
            if let report = observed.health[vm.id] {
                for (job, state) in report.jobs.sorted(by: { $0.key < $1.key }) { out.put("job", job, state.rawValue) }
                let silent = report.lastHeartbeat.map { now.timeIntervalSince($0) > agentTimeout } ?? false
                out.put(silent ? "silent" : "heard")
            }
        }
        for disk in observed.disks.sorted(by: { $0.id < $1.id }) {
            out.put("disk", disk.id, disk.attachedTo ?? "-", String(disk.sizeMiB), disk.type ?? "-")
        }
        for (lb, members) in observed.members.sorted(by: { $0.key < $1.key }) {
            out.put("lb", lb)
            for member in members.sorted() { out.put(member) }
        }
        let digest = Array(SHA256.hash(data: out.bytes))
        high = digest[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = digest[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A fingerprint stored as `hex` (32 hex digits); nil if it is not one.
    init?(hex: String, agentTimeout: TimeInterval) {
        guard hex.utf8.count == 32, let high = UInt64(hex.prefix(16), radix: 16), let low = UInt64(hex.suffix(16), radix: 16) else {
            return nil
        }
        self.high = high
        self.low = low
        self.agentTimeout = agentTimeout
    }

    /// 32 lowercase hex digits.
    var hex: String {
        func pad(_ v: UInt64) -> String {
            let digits = String(v, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return pad(high) + pad(low)
    }

    /// Length-prefixed fields, so no two observations encode alike.
    private struct Encoding {
        var bytes: [UInt8] = []

        mutating func put(_ fields: String...) {
            for field in fields {
                let utf8 = field.utf8
                var n = UInt32(utf8.count)
                withUnsafeBytes(of: &n) { bytes.append(contentsOf: $0) }
                bytes.append(contentsOf: utf8)
            }
            bytes.append(0xFF)
        }
    }
}
