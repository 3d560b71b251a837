import BosunProvider
import Foundation

extension AWSProvider {
    public func listVMs(cluster: String) async throws -> [VM] {
        try await aws { try await clusterInstances(cluster).compactMap(AWSTags.vm) }
    }

    /// Looks the key up by tag first, unless the request says it is new (moto ignores
    /// `ClientToken`, and a retry may follow a create that happened), then runs the instance
    /// with a `ClientToken` derived from the key (so a retried `RunInstances` on AWS returns
    /// the first instance). Concurrent calls with one key in this process share one lookup
    /// and one create.
    public func createVM(_ request: VMRequest) async throws -> VM {
        try await vmCreates.run(request.idempotencyKey) { [self] in
            try await aws {
                // A key the controller has never used cannot have an instance yet.
                let existing = request.keyIsNew ? [] : try await batches.instanceKeys.submit(request.idempotencyKey).compactMap(AWSTags.vm)
                if let vm = existing.first {
                    try checkSame(vm, request)
                    return vm
                }
                // AWS answers a repeated ClientToken with the instance it first made, even after
                // that one was terminated (a key is reused to re-create a VM that vanished):
                // then run again under a token salted with the dead instance's id.
                var salt = ""
                for _ in 0..<3 {
                    let vm = try await runInstance(request, salt: salt)
                    guard let dead = vm.dead else { return vm.vm }
                    salt += "+" + dead
                }
                throw ProviderError(
                    .retryable, code: ProviderError.incorrectState, message: "RunInstances keeps answering terminated instances for key \(request.idempotencyKey)")
            }
        }
    }

    private func checkSame(_ vm: VM, _ r: VMRequest) throws(ProviderError) {
        let same = vm.cluster == r.cluster && vm.group == r.group && vm.index == r.index && vm.instanceID == r.instanceID
            && vm.az == r.az && vm.vmType == r.vmType && vm.image == r.image
        guard same else {
            throw ProviderError(
                .terminal, code: "IdempotentParameterMismatch",
                message: "instance \(vm.id) was made with key \(r.idempotencyKey) but other parameters (\(vm.az) \(vm.vmType) \(vm.image))")
        }
    }

    /// Runs one instance; `dead` is set (and `vm` meaningless) when AWS replayed a terminated one.
    private func runInstance(_ r: VMRequest, salt: String) async throws -> (vm: VM, dead: String?) {
        var p = QueryParameters()
        p.add("ImageId", r.image)
        p.add("InstanceType", r.vmType)
        p.add("MinCount", "1")
        p.add("MaxCount", "1")
        p.add("ClientToken", AWSTags.clientToken(r.idempotencyKey + salt))
        if let subnet = try await subnet(az: r.az) {
            p.add("SubnetId", subnet.subnetId)
        } else {
            p.add("Placement.AvailabilityZone", r.az)
        }
        p.list("SecurityGroupId", settings.securityGroups)
        if let key = settings.keyPair { p.add("KeyName", key) }
        if let profile = settings.instanceProfile { p.add("IamInstanceProfile.Name", profile) }
        if let gib = settings.rootDiskGiB {
            p.add("BlockDeviceMapping.1.DeviceName", settings.rootDeviceName)
            p.add("BlockDeviceMapping.1.Ebs.VolumeSize", String(gib))
            p.add("BlockDeviceMapping.1.Ebs.VolumeType", settings.defaultVolumeType)
            p.add("BlockDeviceMapping.1.Ebs.DeleteOnTermination", "true")
        }
        p.tagSpecification(1, resourceType: "instance", tags: AWSTags.vmTags(r))
        let response = try await ec2.call("RunInstances", p.items, as: RunInstancesResponse.self)
        guard let made = response.instancesSet?.items.first else {
            throw AWSAPIError(action: "ec2:RunInstances", status: 200, code: "MalformedResponse", message: "no instance in the answer")
        }
        if ["shutting-down", "terminated"].contains(made.instanceState.name) {
            let vm = VM(
                id: made.instanceId, cluster: r.cluster, group: r.group, index: r.index, instanceID: r.instanceID, az: r.az,
                vmType: r.vmType, image: r.image, state: .creating, idempotencyKey: r.idempotencyKey)
            return (vm, made.instanceId)
        }
        recentlyCreated.withLock { $0[made.instanceId] = .now }
        let vm = VM(
            id: made.instanceId, cluster: r.cluster, group: r.group, index: r.index, instanceID: r.instanceID,
            az: made.placement?.availabilityZone ?? r.az, vmType: made.instanceType ?? r.vmType, image: made.imageId ?? r.image,
            state: AWSTags.vmState(made.instanceState.name) ?? .creating, idempotencyKey: r.idempotencyKey)
        return (vm, nil)
    }

    /// Terminates; a missing instance counts as deleted. Attached EBS volumes are detached by
    /// AWS (Bosun attaches them with `DeleteOnTermination` false), never deleted.
    public func deleteVM(id: String) async throws {
        try await aws {
            var p = QueryParameters()
            p.list("InstanceId", [id])
            do {
                try await ec2.call("TerminateInstances", p.items)
            } catch let error as AWSAPIError where error.code == "InvalidInstanceID.NotFound" || error.code == "InvalidInstanceID.Malformed" {
                return
            }
        }
    }

    public func startVM(id: String) async throws {
        guard let found = try await instance(id, fresh: true) else { throw ProviderError.notFound("instance \(id)") }
        switch found.instanceState.name {
        case "stopped":
            try await aws {
                var p = QueryParameters()
                p.list("InstanceId", [id])
                try await ec2.call("StartInstances", p.items)
            }
        case "stopping":
            throw ProviderError(.retryable, code: ProviderError.incorrectState, message: "instance \(id) is stopping; start it once stopped")
        default: return
        }
    }

    public func stopVM(id: String) async throws {
        guard let found = try await instance(id, fresh: true) else { throw ProviderError.notFound("instance \(id)") }
        switch found.instanceState.name {
        case "running", "pending":
            try await aws {
                var p = QueryParameters()
                p.list("InstanceId", [id])
                try await ec2.call("StopInstances", p.items)
            }
        default: return
        }
    }
}
