import BosunProvider
import Crypto
import Foundation

/// The tags Bosun puts on what it makes, and how resources are read back from them.
enum AWSTags {
    static let cluster = "bosun:cluster"
    static let group = "bosun:group"
    static let index = "bosun:index"
    static let instance = "bosun:instance"
    static let key = "bosun:key"
    static let sizeMiB = "bosun:size-mib"
    static let diskType = "bosun:disk-type"
    static let jobs = "bosun:jobs"
    /// `DIGEST/CHUNKS` of the configuration the instance last received (`AWSProvider+Config`).
    static let config = "bosun:config"
    static let name = "Name"

    /// EC2 states Bosun reports (anything but `shutting-down` and `terminated`).
    static let liveInstanceStates = ["pending", "running", "stopping", "stopped"]
    /// EBS states Bosun reports.
    static let liveVolumeStates = ["creating", "available", "in-use", "error"]

    static func vmTags(_ r: VMRequest) -> [(String, String)] {
        [(cluster, r.cluster), (group, r.group), (index, String(r.index)), (instance, r.instanceID), (key, r.idempotencyKey), (name, r.instanceID)]
    }

    static func diskTags(_ r: DiskRequest) -> [(String, String)] {
        var tags = [(cluster, r.cluster), (instance, r.instanceID), (key, r.idempotencyKey), (sizeMiB, String(r.sizeMiB)), (name, r.instanceID)]
        if let type = r.type { tags.append((diskType, type)) }
        return tags
    }

    /// A `ClientToken` for an idempotency key: at most 64 ASCII characters, so a hash.
    static func clientToken(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined().prefix(64).description
    }

    /// The VM an instance is, or nil if it is not Bosun's or not live.
    static func vm(_ i: EC2Instance) -> VM? {
        let t = i.tags
        guard let c = t[cluster], let g = t[group], let n = t[index].flatMap(Int.init), let inst = t[instance], let k = t[key],
            let state = vmState(i.instanceState.name)
        else { return nil }
        return VM(
            id: i.instanceId, cluster: c, group: g, index: n, instanceID: inst, az: i.placement?.availabilityZone ?? "",
            vmType: i.instanceType ?? "", image: i.imageId ?? "", state: state, idempotencyKey: k, address: i.privateIpAddress)
    }

    static func vmState(_ name: String) -> VMState? {
        switch name {
        case "pending": .creating
        case "running": .running
        case "stopping", "stopped": .stopped
        default: nil
        }
    }

    /// The disk a volume is, or nil if it is not Bosun's. The size is the requested MiB while
    /// it still rounds up to the volume's GiB, else the volume's GiB in MiB.
    static func disk(_ v: EC2Volume) -> Disk? {
        let t = v.tags
        guard let c = t[cluster], let inst = t[instance], let k = t[key] else { return nil }
        if let status = v.status, !liveVolumeStates.contains(status) { return nil }
        let requested = t[sizeMiB].flatMap(Int.init)
        let sizeMiB = requested.flatMap { gib(forMiB: $0) == v.size ? $0 : nil } ?? v.size * 1024
        return Disk(
            id: v.volumeId, cluster: c, instanceID: inst, az: v.availabilityZone, sizeMiB: sizeMiB,
            type: t[diskType] == nil ? nil : (v.volumeType ?? t[diskType]), attachedTo: v.attachedInstance, idempotencyKey: k)
    }

    static func gib(forMiB mib: Int) -> Int { (mib + 1023) / 1024 }

    /// Job states as stored in the `bosun:jobs` tag: `etcd=running kubelet=running`.
    static func jobs(_ value: String?) -> [String: JobState] {
        var out: [String: JobState] = [:]
        for pair in (value ?? "").split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let state = JobState(rawValue: String(parts[1])) { out[String(parts[0])] = state }
        }
        return out
    }

    static func jobsValue(_ jobs: [String: JobState]) -> String {
        jobs.keys.sorted().map { "\($0)=\(jobs[$0]!.rawValue)" }.joined(separator: " ")
    }
}
