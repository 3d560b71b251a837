import BosunProvider
import Foundation

/// The calls an `AWSProvider` batches across concurrent actions (see `Batcher`): lookups by
/// id, key or cluster become one `Describe*` with a filter of many values; `SendCommand`,
/// `CreateTags` and `RegisterTargets` take many instances at once. A batched change that
/// AWS refuses for one of its members (an instance gone meanwhile) is sent again one by one,
/// so only that member fails.
struct AWSBatches: Sendable {
    /// Instance id → the instance in any state; nil when EC2 does not know it.
    let instances: Batcher<String, EC2Instance?>
    /// Cluster → its live instances.
    let clusters: Batcher<String, [EC2Instance]>
    /// Idempotency key → the live instances carrying it.
    let instanceKeys: Batcher<String, [EC2Instance]>
    /// Volume id → the volume; nil when EC2 does not know it.
    let volumes: Batcher<String, EC2Volume?>
    /// Idempotency key → the live volumes carrying it.
    let volumeKeys: Batcher<String, [EC2Volume]>
    /// A script on an instance → the command that runs it there.
    let commands: Batcher<CommandRequest, Result<SendCommandResponse.Command, AWSAPIError>>
    /// A tag on a resource → set.
    let tags: Batcher<TagRequest, Result<Bool, AWSAPIError>>
    /// An instance in a target group → registered.
    let registrations: Batcher<Registration, Result<Bool, AWSAPIError>>

    struct CommandRequest: Sendable {
        var instance: String
        var script: String
    }

    /// Tags to put on one resource; requests with the same tags share one `CreateTags`.
    struct TagRequest: Sendable {
        var resource: String
        var tags: [(key: String, value: String)]

        init(resource: String, key: String, value: String) {
            self.resource = resource
            tags = [(key, value)]
        }

        init(resource: String, tags: [(key: String, value: String)]) {
            self.resource = resource
            self.tags = tags.sorted { $0.key < $1.key }
        }

        /// What requests that can share a call have in common.
        var group: String { tags.map { "\($0.key)\u{0}\($0.value)" }.joined(separator: "\u{1}") }
    }

    struct Registration: Sendable {
        var targetGroup: String
        var instance: String
    }

    /// EC2 takes at most 200 values in one filter.
    static let filterValues = 200

    init(ec2: QueryClient, elb: QueryClient, ssm: SSMClient) {
        instances = Batcher(limit: Self.filterValues) { ids in
            let found = try await ec2.describeInstances([("instance-id", Array(Set(ids)))])
            let byID = Dictionary(found.map { ($0.instanceId, $0) }, uniquingKeysWith: { first, _ in first })
            return ids.map { byID[$0] }
        }
        clusters = Batcher(limit: Self.filterValues) { names in
            let found = try await ec2.describeInstances([
                ("tag:\(AWSTags.cluster)", Array(Set(names))), ("instance-state-name", AWSTags.liveInstanceStates),
            ])
            let byCluster = Dictionary(grouping: found) { $0.tags[AWSTags.cluster] ?? "" }
            return names.map { byCluster[$0] ?? [] }
        }
        instanceKeys = Batcher(limit: Self.filterValues) { keys in
            let found = try await ec2.describeInstances([
                ("tag:\(AWSTags.key)", Array(Set(keys))), ("instance-state-name", AWSTags.liveInstanceStates),
            ])
            let byKey = Dictionary(grouping: found) { $0.tags[AWSTags.key] ?? "" }
            return keys.map { byKey[$0] ?? [] }
        }
        volumes = Batcher(limit: Self.filterValues) { ids in
            let found = try await ec2.describeVolumes([("volume-id", Array(Set(ids)))])
            let byID = Dictionary(found.map { ($0.volumeId, $0) }, uniquingKeysWith: { first, _ in first })
            return ids.map { byID[$0] }
        }
        volumeKeys = Batcher(limit: Self.filterValues) { keys in
            let found = try await ec2.describeVolumes([("tag:\(AWSTags.key)", Array(Set(keys))), ("status", AWSTags.liveVolumeStates)])
            let byKey = Dictionary(grouping: found) { $0.tags[AWSTags.key] ?? "" }
            return keys.map { byKey[$0] ?? [] }
        }
        // SendCommand takes at most 50 instances.
        commands = Batcher(limit: 50) { requests in
            await Self.grouped(requests, by: \.script) { script, group in
                await Self.oneOrEach(group) { (members: [CommandRequest]) async throws(AWSAPIError) -> SendCommandResponse.Command in
                    try await ssm.call(
                        "SendCommand",
                        SendCommandRequest(
                            DocumentName: "AWS-RunShellScript", InstanceIds: members.map(\.instance), Parameters: ["commands": [script]],
                            TimeoutSeconds: 600, Comment: "bosun"),
                        as: SendCommandResponse.self
                    ).Command
                }
            }
        }
        tags = Batcher(limit: 100) { requests in
            await Self.grouped(requests, by: \.group) { _, group in
                await Self.oneOrEach(group) { (members: [TagRequest]) async throws(AWSAPIError) -> Bool in
                    var p = QueryParameters()
                    p.list("ResourceId", members.map(\.resource))
                    for (n, tag) in members[0].tags.enumerated() {
                        p.add("Tag.\(n + 1).Key", tag.key)
                        p.add("Tag.\(n + 1).Value", tag.value)
                    }
                    try await ec2.call("CreateTags", p.items)
                    return true
                }
            }
        }
        registrations = Batcher(limit: 100) { requests in
            await Self.grouped(requests, by: \.targetGroup) { arn, group in
                await Self.oneOrEach(group) { (members: [Registration]) async throws(AWSAPIError) -> Bool in
                    var p: [(String, String)] = [("TargetGroupArn", arn)]
                    for (n, member) in members.enumerated() { p.append(("Targets.member.\(n + 1).Id", member.instance)) }
                    try await elb.call("RegisterTargets", p)
                    return true
                }
            }
        }
    }

    /// Answers `requests` in their order, calling `each` once per group of requests with the
    /// same key.
    static func grouped<R: Sendable, T: Sendable>(
        _ requests: [R], by key: (R) -> String, _ each: (String, [R]) async -> [T]
    ) async -> [T] {
        var order: [String] = []
        var groups: [String: [Int]] = [:]
        for (i, r) in requests.enumerated() {
            let k = key(r)
            if groups[k] == nil { order.append(k) }
            groups[k, default: []].append(i)
        }
        var out = [T?](repeating: nil, count: requests.count)
        for k in order {
            let indices = groups[k]!
            let answers = await each(k, indices.map { requests[$0] })
            for (i, answer) in zip(indices, answers) { out[i] = answer }
        }
        return out.map { $0! }
    }

    /// One call for all of `members`; if AWS refuses it for a reason that is not transient and
    /// there is more than one member, one call per member, so that a bad one fails alone.
    static func oneOrEach<R: Sendable, T: Sendable>(
        _ members: [R], _ call: ([R]) async throws(AWSAPIError) -> T
    ) async -> [Result<T, AWSAPIError>] {
        do {
            let answer = try await call(members)
            return members.map { _ in .success(answer) }
        } catch where members.count == 1 || error.isRetryable {
            return members.map { _ in .failure(error) }
        } catch {
            var out: [Result<T, AWSAPIError>] = []
            for member in members {
                do { out.append(.success(try await call([member]))) } catch { out.append(.failure(error)) }
            }
            return out
        }
    }
}
