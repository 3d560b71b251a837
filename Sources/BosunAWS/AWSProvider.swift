import BosunProvider
import Foundation
import Synchronization

/// Bosun's provider for AWS: VMs are EC2 instances, disks EBS volumes, load balancers ELBv2
/// target groups, and the node agent is SSM Run Command. Every resource carries Bosun's tags
/// (`AWSTags`), which is how it is found again after a crash and how one sweep
/// (`InventoryProvider`) sees every cluster in a handful of calls. `docs/providers.md` has the
/// mapping; the conformance suite runs against moto in `BosunAWSTests`.
public final class AWSProvider: InfrastructureProvider, NodeAgent, InventoryProvider, Sendable {
    public var name: String { "aws" }

    public let transport: AWSTransport
    public let settings: AWSProviderSettings
    let ec2: QueryClient
    let elb: QueryClient
    let ssm: SSMClient
    let vmCreates = SingleFlight<VM>()
    let diskCreates = SingleFlight<Disk>()
    let targetGroupCreates = SingleFlight<String>()
    let commandWaits = SingleFlight<String>()
    let batches: AWSBatches
    let subnetReads = SingleFlight<[String: EC2Subnet]?>()
    /// Cluster → its instances as last described, with when and at which write generation:
    /// `listVMs` and `health` of one pass share one `DescribeInstances`.
    let memo: Mutex<InstanceMemo>
    /// Volumes this process just created, as `CreateVolume` answered: the attach that follows
    /// needs no `DescribeVolumes`. Dropped on any change to the volume.
    let createdVolumes = Mutex<[String: (at: ContinuousClock.Instant, volume: EC2Volume)]>([:])
    let clusterReads = SingleFlight<[EC2Instance]>()
    /// How long a cluster's description is reused when this process changed nothing since.
    let memoLifetime: Duration
    /// AZ → the subnet instances go to (from the settings, else the AZ's default subnet).
    let subnets = Mutex<[String: EC2Subnet]>([:])
    /// Configuration parameters this process wrote (`AWSProvider+Config`), by name prefix.
    let writtenConfigs = Mutex<Set<String>>([])
    /// Concurrent configures of a group with the same configuration share one write.
    let configWrites = SingleFlight<String>()
    /// Instance → `bosun:config` value handed over and not yet written with a start's job states.
    let handedOver = Mutex<[String: String]>([:])
    /// Load balancer → target group ARN, once seen.
    let targetGroups = Mutex<[String: String]>([:])
    /// Instances created by this process recently: `NotFound` for them is eventual consistency.
    let recentlyCreated = Mutex<[String: ContinuousClock.Instant]>([:])
    /// How long after a create a `NotFound` counts as "not visible yet".
    let visibilityGrace: Duration
    /// How long `startJobs` & co. wait for an SSM command to finish.
    let commandDeadline: Duration
    let commandPoll: Duration

    public init(
        transport: AWSTransport, settings: AWSProviderSettings = AWSProviderSettings(), visibilityGrace: Duration = .seconds(60),
        commandDeadline: Duration = .seconds(120), commandPoll: Duration = .milliseconds(500), memoLifetime: Duration = .seconds(2)
    ) {
        self.memoLifetime = memoLifetime
        self.transport = transport
        self.settings = settings
        ec2 = QueryClient(transport: transport, service: .ec2)
        elb = QueryClient(transport: transport, service: .elbv2)
        ssm = SSMClient(transport: transport)
        batches = AWSBatches(ec2: ec2, elb: elb, ssm: ssm)
        memo = Mutex(InstanceMemo(lifetime: memoLifetime))
        self.visibilityGrace = visibilityGrace
        self.commandDeadline = commandDeadline
        self.commandPoll = commandPoll
    }

    /// A provider with its own transport for `configuration`.
    public convenience init(configuration: AWSConfiguration, settings: AWSProviderSettings = AWSProviderSettings()) {
        self.init(transport: AWSTransport(configuration: configuration), settings: settings)
    }

    /// Runs AWS calls and maps their errors to `ProviderError`; nothing else escapes.
    func aws<T: Sendable>(_ body: () async throws -> T) async throws(ProviderError) -> T {
        do {
            return try await body()
        } catch let error as AWSAPIError {
            throw error.providerError()
        } catch let error as ProviderError {
            throw error
        } catch is CancellationError {
            throw ProviderError(.retryable, code: ProviderError.timeout, message: "cancelled")
        } catch {
            throw ProviderError(.terminal, code: "InternalError", message: "\(error)")
        }
    }

    // MARK: Instances

    /// Instances matching `filters` in every page (live states only unless told otherwise).
    func describeInstances(_ filters: [(name: String, values: [String])], ids: [String] = []) async throws(AWSAPIError) -> [EC2Instance] {
        try await ec2.describeInstances(filters, ids: ids)
    }

    /// One instance by id, nil if it does not exist or is terminated. Not yet visible right
    /// after this process created it: retryable.
    /// `fresh`: skip the cluster's remembered description (`InstanceMemo`), for decisions on the
    /// instance's power state, which someone else may have changed in the last 2 s.
    func instance(_ id: String, fresh: Bool = false) async throws(ProviderError) -> EC2Instance? {
        let generation = transport.writeGeneration
        if !fresh, let seen = memo.withLock({ $0.instance(id, generation: generation, now: .now) }) { return seen }
        let found = try await aws { try await batches.instances.submit(id) }
        if let found, AWSTags.vmState(found.instanceState.name) != nil { return found }
        if found == nil, isRecent(id) {
            throw ProviderError(.retryable, code: ProviderError.incorrectState, message: "instance \(id) is not visible yet (just created)")
        }
        return nil
    }

    func isRecent(_ id: String) -> Bool {
        let grace = visibilityGrace
        return recentlyCreated.withLock { recent in
            let now = ContinuousClock.now
            recent = recent.filter { now - $0.value < grace }
            return recent[id] != nil
        }
    }

    /// A cluster's live instances. Concurrent callers of one cluster share one read, reads of
    /// several clusters go into one `DescribeInstances`, and a description is reused as
    /// `InstanceMemo` says.
    func clusterInstances(_ cluster: String) async throws -> [EC2Instance] {
        let generation = transport.writeGeneration
        if let seen = memo.withLock({ $0.cluster(cluster, generation: generation, now: .now) }) { return seen }
        // Keyed by generation too: a caller joins only a read that began after its own writes.
        return try await clusterReads.run("\(generation)|\(cluster)") { [self] in
            let started = ContinuousClock.now
            let found = try await batches.clusters.submit(cluster)
            memo.withLock { $0.store(cluster, found, started: started, generation: generation) }
            return found
        }
    }

    /// The subnet for `az`: the settings' or the AZ's default subnet. One `DescribeSubnets`
    /// answers every AZ at once (all mapped subnets, or every default subnet).
    func subnet(az: String) async throws -> EC2Subnet? {
        if let cached = subnets.withLock({ $0[az] }) { return cached }
        return try await subnetReads.run("all") { [self] in try await loadSubnets() }?[az]
    }

    /// AZ → subnet, cached; `defaults` when the settings map none.
    private func loadSubnets() async throws(AWSAPIError) -> [String: EC2Subnet]? {
        var p = QueryParameters()
        if settings.subnets.isEmpty {
            p.filters([("default-for-az", ["true"])])
        } else {
            p.list("SubnetId", settings.subnets.values.sorted())
        }
        let found = try await ec2.call("DescribeSubnets", p.items, as: DescribeSubnetsResponse.self).subnetSet?.items ?? []
        var byAZ: [String: EC2Subnet] = [:]
        for subnet in found {
            if settings.subnets.isEmpty {
                byAZ[subnet.availabilityZone] = subnet
            } else if let az = settings.subnets.first(where: { $0.value == subnet.subnetId })?.key {
                byAZ[az] = subnet
            }
        }
        subnets.withLock { $0.merge(byAZ) { $1 } }
        return byAZ
    }

    /// The VPC target groups are created in: that of the first configured subnet, else the
    /// default VPC's.
    func vpcID() async throws -> String {
        if let (az, _) = settings.subnets.sorted(by: { $0.key < $1.key }).first, let subnet = try await subnet(az: az) { return subnet.vpcId }
        let cached = subnets.withLock { $0 }
        let all = try await cached.isEmpty ? subnetReads.run("all") { [self] in try await loadSubnets() } ?? [:] : cached
        guard let subnet = all.sorted(by: { $0.key < $1.key }).first?.value else {
            throw AWSAPIError(action: "ec2:DescribeSubnets", status: 400, code: "InvalidParameterValue", message: "no default VPC: map subnets in the spec's aws: block")
        }
        return subnet.vpcId
    }
}
