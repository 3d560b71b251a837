import Foundation

/// An EC2 list (`<tagSet><item>…</item></tagSet>`): `item` repeated, absent when empty.
public struct EC2List<Element: Decodable & Sendable>: Decodable, Sendable {
    public var items: [Element]

    enum CodingKeys: String, CodingKey { case item }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        items = try container.decodeIfPresent([Element].self, forKey: .item) ?? []
    }

    public init(_ items: [Element]) { self.items = items }
}

/// A resource tag.
public struct EC2Tag: Decodable, Sendable, Hashable {
    public var key: String
    public var value: String?
}

/// An EC2 instance, as `DescribeInstances` and `RunInstances` report it (the fields Bosun reads).
public struct EC2Instance: Decodable, Sendable {
    public struct State: Decodable, Sendable { public var name: String }
    public struct Placement: Decodable, Sendable { public var availabilityZone: String }
    public struct BlockDevice: Decodable, Sendable {
        public struct EBS: Decodable, Sendable { public var volumeId: String? }
        public var deviceName: String
        public var ebs: EBS?
    }

    public var instanceId: String
    public var imageId: String?
    public var instanceType: String?
    public var instanceState: State
    public var placement: Placement?
    public var tagSet: EC2List<EC2Tag>?
    public var blockDeviceMapping: EC2List<BlockDevice>?
    public var rootDeviceName: String?
    public var subnetId: String?
    public var vpcId: String?
    public var privateIpAddress: String?

    /// Tag key → value.
    public var tags: [String: String] {
        Dictionary((tagSet?.items ?? []).map { ($0.key, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
    }

    /// Device names in use (the root device included).
    public var devices: Set<String> {
        Set((blockDeviceMapping?.items ?? []).map(\.deviceName) + [rootDeviceName].compactMap { $0 })
    }

    /// Sets one tag, as `CreateTags` did on AWS.
    mutating func setTag(_ key: String, _ value: String) {
        tagSet = EC2List((tagSet?.items ?? []).filter { $0.key != key } + [EC2Tag(key: key, value: value)])
    }

    /// Adds a device, as `AttachVolume` did on AWS.
    mutating func addDevice(_ name: String, volume: String) {
        blockDeviceMapping = EC2List((blockDeviceMapping?.items ?? []) + [BlockDevice(deviceName: name, ebs: .init(volumeId: volume))])
    }
}

/// A reservation of `DescribeInstances`.
public struct EC2Reservation: Decodable, Sendable {
    public var instancesSet: EC2List<EC2Instance>?
}

/// `DescribeInstancesResponse`.
public struct DescribeInstancesResponse: Decodable, Sendable {
    public var reservationSet: EC2List<EC2Reservation>?
    public var nextToken: String?

    public var instances: [EC2Instance] { (reservationSet?.items ?? []).flatMap { $0.instancesSet?.items ?? [] } }
}

/// `RunInstancesResponse`.
public struct RunInstancesResponse: Decodable, Sendable {
    public var instancesSet: EC2List<EC2Instance>?
}

/// An EBS volume, as `DescribeVolumes` and `CreateVolume` report it. Optional fields are
/// optional: moto omits some that AWS always returns.
public struct EC2Volume: Decodable, Sendable {
    public struct Attachment: Decodable, Sendable {
        public var instanceId: String?
        public var device: String?
        public var status: String?
    }

    public var volumeId: String
    public var size: Int
    public var availabilityZone: String
    public var status: String?
    public var volumeType: String?
    public var attachmentSet: EC2List<Attachment>?
    public var tagSet: EC2List<EC2Tag>?
    public var multiAttachEnabled: Bool?

    public var tags: [String: String] {
        Dictionary((tagSet?.items ?? []).map { ($0.key, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
    }

    /// The instance of the first attachment that is not detached.
    public var attachedInstance: String? {
        (attachmentSet?.items ?? []).first { $0.status != "detached" && $0.instanceId != nil }?.instanceId
    }
}

/// `DescribeVolumesResponse`.
public struct DescribeVolumesResponse: Decodable, Sendable {
    public var volumeSet: EC2List<EC2Volume>?
    public var nextToken: String?
}

/// A subnet of `DescribeSubnets`.
public struct EC2Subnet: Decodable, Sendable {
    public var subnetId: String
    public var vpcId: String
    public var availabilityZone: String
    public var defaultForAz: Bool?
}

/// `DescribeSubnetsResponse`.
public struct DescribeSubnetsResponse: Decodable, Sendable {
    public var subnetSet: EC2List<EC2Subnet>?
    public var nextToken: String?
}
