import BosunProvider
import Foundation

extension AWSProvider {
    /// Volumes matching `filters`, every page.
    func describeVolumes(_ filters: [(name: String, values: [String])], ids: [String] = []) async throws(AWSAPIError) -> [EC2Volume] {
        try await ec2.describeVolumes(filters, ids: ids)
    }

    /// One volume by id; nil if it does not exist.
    func volume(_ id: String) async throws(ProviderError) -> EC2Volume? {
        let lifetime = memoLifetime
        if let made = createdVolumes.withLock({ $0[id] }), ContinuousClock.now - made.at < lifetime { return made.volume }
        return try await aws { try await batches.volumes.submit(id) }.flatMap { AWSTags.liveVolumeStates.contains($0.status ?? "available") ? $0 : nil }
    }

    public func listDisks(cluster: String) async throws -> [Disk] {
        try await aws {
            try await describeVolumes([("tag:\(AWSTags.cluster)", [cluster]), ("status", AWSTags.liveVolumeStates)])
                .compactMap(AWSTags.disk)
                .filter { $0.cluster == cluster }
        }
    }

    /// Looks the key up by tag (unless the request says it is new), then creates the volume
    /// (`gp3` unless the request names a type; size rounded up to whole GiB) with a
    /// `ClientToken` from the key.
    public func createDisk(_ request: DiskRequest) async throws -> Disk {
        guard request.sizeMiB > 0 else {
            throw ProviderError(.terminal, code: ProviderError.invalidParameter, message: "disk size must be positive, not \(request.sizeMiB) MiB")
        }
        return try await diskCreates.run(request.idempotencyKey) { [self] in
            try await aws {
                let existing = request.keyIsNew ? [] : try await batches.volumeKeys.submit(request.idempotencyKey).compactMap(AWSTags.disk)
                if let disk = existing.first {
                    guard disk.az == request.az, disk.sizeMiB == request.sizeMiB, disk.cluster == request.cluster,
                        disk.instanceID == request.instanceID, disk.type == request.type
                    else {
                        throw ProviderError(
                            .terminal, code: "IdempotentParameterMismatch",
                            message: "volume \(disk.id) was made with key \(request.idempotencyKey) but other parameters")
                    }
                    return disk
                }
                // As for instances: a replayed token may answer a volume since deleted.
                var salt = ""
                var made: EC2Volume?
                for _ in 0..<3 {
                    var p = QueryParameters()
                    p.add("AvailabilityZone", request.az)
                    p.add("Size", String(AWSTags.gib(forMiB: request.sizeMiB)))
                    p.add("VolumeType", request.type ?? settings.defaultVolumeType)
                    p.add("ClientToken", AWSTags.clientToken(request.idempotencyKey + salt))
                    p.tagSpecification(1, resourceType: "volume", tags: AWSTags.diskTags(request))
                    let answer = try await ec2.call("CreateVolume", p.items, as: EC2Volume.self)
                    if ["deleting", "deleted"].contains(answer.status ?? "") {
                        salt += "+" + answer.volumeId
                        continue
                    }
                    made = answer
                    break
                }
                if let made {
                    let lifetime = memoLifetime
                    createdVolumes.withLock { created in
                        created = created.filter { ContinuousClock.now - $0.value.at < lifetime }
                        created[made.volumeId] = (.now, made)
                    }
                }
                guard let made else {
                    throw ProviderError(
                        .retryable, code: ProviderError.incorrectState, message: "CreateVolume keeps answering deleted volumes for key \(request.idempotencyKey)")
                }
                return Disk(
                    id: made.volumeId, cluster: request.cluster, instanceID: request.instanceID, az: made.availabilityZone,
                    sizeMiB: request.sizeMiB, type: request.type == nil ? nil : (made.volumeType ?? request.type), attachedTo: nil,
                    idempotencyKey: request.idempotencyKey)
            }
        }
    }

    /// Attaches at the first free device of `/dev/sdf` … `/dev/sdp`.
    public func attachDisk(id: String, to vmID: String) async throws {
        guard let volume = try await volume(id) else { throw ProviderError.notFound("volume \(id)") }
        if let current = volume.attachedInstance {
            if current == vmID { return }
            throw ProviderError(.terminal, code: ProviderError.incorrectState, message: "volume \(id) is attached to \(current)")
        }
        guard let instance = try await instance(vmID) else { throw ProviderError.notFound("instance \(vmID)") }
        if instance.placement?.availabilityZone != volume.availabilityZone {
            throw ProviderError(
                .terminal, code: ProviderError.invalidParameter,
                message: "volume \(id) is in \(volume.availabilityZone), instance \(vmID) in \(instance.placement?.availabilityZone ?? "?")")
        }
        if instance.instanceState.name == "pending" {
            throw ProviderError(.retryable, code: ProviderError.incorrectState, message: "instance \(vmID) is still pending")
        }
        let used = instance.devices
        guard let device = (UInt8(ascii: "f")...UInt8(ascii: "p")).map({ "/dev/sd\(Character(UnicodeScalar($0)))" }).first(where: { !used.contains($0) })
        else {
            throw ProviderError(.terminal, code: ProviderError.quotaExceeded, message: "instance \(vmID) has no free device in /dev/sdf…/dev/sdp")
        }
        forget(volume: id)
        try await aws {
            try await ec2.call("AttachVolume", [("VolumeId", id), ("InstanceId", vmID), ("Device", device)])
        }
        memo.withLock { $0.patch(vmID) { $0.addDevice(device, volume: id) } }
    }

    public func detachDisk(id: String) async throws {
        forget(volume: id)
        guard let volume = try await volume(id) else { throw ProviderError.notFound("volume \(id)") }
        guard let vm = volume.attachedInstance else {
            throw ProviderError(.terminal, code: ProviderError.incorrectState, message: "volume \(id) is not attached")
        }
        try await aws {
            do {
                // The instance is optional for AWS, required by moto.
                try await ec2.call("DetachVolume", [("VolumeId", id), ("InstanceId", vm)])
            } catch let error as AWSAPIError where error.code == "IncorrectState" || error.code == "InvalidAttachment.NotFound" {
                // Detached meanwhile (another caller, or the instance terminated): re-check.
                if try await self.volume(id)?.attachedInstance != nil { throw error }
            }
        }
    }

    public func deleteDisk(id: String) async throws {
        forget(volume: id)
        guard let volume = try await volume(id) else { return }
        if let vm = volume.attachedInstance {
            throw ProviderError(.terminal, code: ProviderError.incorrectState, message: "volume \(id) is attached to \(vm)")
        }
        try await aws {
            do {
                try await ec2.call("DeleteVolume", [("VolumeId", id)])
            } catch let error as AWSAPIError where error.code == "InvalidVolume.NotFound" {
                return
            }
        }
    }

    /// Grows the volume to the GiB the new size rounds up to (`ModifyVolume`), and records
    /// the size asked for in MiB in the `bosun:size-mib` tag.
    public func resizeDisk(id: String, sizeMiB: Int) async throws {
        guard sizeMiB > 0 else {
            throw ProviderError(.terminal, code: ProviderError.invalidParameter, message: "disk size must be positive, not \(sizeMiB) MiB")
        }
        guard let volume = try await volume(id), let disk = AWSTags.disk(volume) else { throw ProviderError.notFound("volume \(id)") }
        guard sizeMiB >= disk.sizeMiB else {
            throw ProviderError(.terminal, code: ProviderError.invalidParameter, message: "volume \(id) cannot shrink from \(disk.sizeMiB) to \(sizeMiB) MiB")
        }
        if sizeMiB == disk.sizeMiB { return }
        forget(volume: id)
        try await aws {
            let gib = AWSTags.gib(forMiB: sizeMiB)
            if gib > volume.size {
                try await ec2.call("ModifyVolume", [("VolumeId", id), ("Size", String(gib))])
            }
            try await ec2.call("CreateTags", [("ResourceId.1", id), ("Tag.1.Key", AWSTags.sizeMiB), ("Tag.1.Value", String(sizeMiB))])
        }
    }

    /// Drops what `CreateVolume` answered for `id`: the volume is about to change.
    func forget(volume id: String) {
        _ = createdVolumes.withLock { $0.removeValue(forKey: id) }
    }
}
