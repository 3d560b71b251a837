import BosunProvider
import Crypto
import Foundation

extension AWSProvider {
    /// The target group name for a load balancer: the name itself when ELBv2 accepts it (at
    /// most 32 letters, digits and hyphens, no hyphen at either end), else `bosun-` and 26 hex
    /// digits of its SHA-256.
    public static func targetGroupName(_ lb: String) -> String {
        let allowed = lb.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 }
        if allowed, !lb.isEmpty, lb.count <= 32, !lb.hasPrefix("-"), !lb.hasSuffix("-"), !lb.lowercased().hasPrefix("internal-") { return lb }
        let hash = SHA256.hash(data: Data(lb.utf8)).map { String(format: "%02x", $0) }.joined()
        return "bosun-" + hash.prefix(26)
    }

    /// The ARN of `lb`'s target group, nil if it does not exist.
    func targetGroupARN(_ lb: String) async throws(AWSAPIError) -> String? {
        if let cached = targetGroups.withLock({ $0[lb] }) { return cached }
        do {
            let found = try await elb.call(
                "DescribeTargetGroups", [("Names.member.1", Self.targetGroupName(lb))], as: DescribeTargetGroupsResponse.self
            ).targetGroups.first?.TargetGroupArn
            if let found { targetGroups.withLock { $0[lb] = found } }
            return found
        } catch where error.code == "TargetGroupNotFound" {
            return nil
        }
    }

    /// Finds `lb`'s target group or creates it (the settings' protocol and port, default TCP
    /// 6443, instance targets, in the subnets' VPC). Concurrent calls share one create; a
    /// name that exists already (`DuplicateTargetGroupName`) is looked up.
    func ensureTargetGroup(_ lb: String) async throws -> String {
        if let arn = targetGroups.withLock({ $0[lb] }) { return arn }
        return try await targetGroupCreates.run(lb) { [self] in
            do {
                return try await findOrCreateTargetGroup(lb)
            } catch let error as AWSAPIError where error.code == "DuplicateTargetGroupName" {
                if let arn = try await targetGroupARN(lb) { return arn }
                throw error
            }
        }
    }

    /// No lookup first: the ARN is not cached, so the pass's observation found no group.
    /// `CreateTargetGroup` with the settings of an existing group answers that group (AWS),
    /// and a name taken with other settings is `DuplicateTargetGroupName` (AWS, and moto
    /// always), after which `ensureTargetGroup` looks it up.
    private func findOrCreateTargetGroup(_ lb: String) async throws -> String {
        var p: [(String, String)] = [
            ("Name", Self.targetGroupName(lb)), ("Protocol", settings.targetGroupProtocol), ("Port", String(settings.targetGroupPort)),
            ("VpcId", try await vpcID()), ("TargetType", "instance"),
            ("Tags.member.1.Key", "bosun:lb"), ("Tags.member.1.Value", lb),
        ]
        if let v = settings.healthCheckProtocol { p.append(("HealthCheckProtocol", v)) }
        if let v = settings.healthCheckPort { p.append(("HealthCheckPort", v)) }
        if let v = settings.healthCheckPath { p.append(("HealthCheckPath", v)) }
        let made = try await elb.call("CreateTargetGroup", p, as: DescribeTargetGroupsResponse.self)
        guard let arn = made.targetGroups.first?.TargetGroupArn else {
            throw AWSAPIError(action: "elbv2:CreateTargetGroup", status: 200, code: "MalformedResponse", message: "no target group in the answer")
        }
        targetGroups.withLock { $0[lb] = arn }
        return arn
    }

    /// Registered targets of a target group (not draining).
    func targets(arn: String, lb: String) async throws(AWSAPIError) -> [String]? {
        do {
            return try await elb.call("DescribeTargetHealth", [("TargetGroupArn", arn)], as: DescribeTargetHealthResponse.self).members
        } catch where error.code == "TargetGroupNotFound" {
            targetGroups.withLock { $0[lb] = nil }
            return nil
        }
    }

    public func listMembers(lb: String) async throws -> [String] {
        try await aws {
            guard let arn = try await targetGroupARN(lb) else { return [] }
            if let members = try await targets(arn: arn, lb: lb) { return members }
            // The cached ARN was stale (the group was deleted and maybe re-created): look again.
            guard let fresh = try await targetGroupARN(lb) else { return [] }
            return try await targets(arn: fresh, lb: lb) ?? []
        }
    }

    public func register(lb: String, vmID: String) async throws {
        guard let instance = try await instance(vmID) else { throw ProviderError.notFound("instance \(vmID)") }
        try await aws {
            let arn = try await ensureTargetGroup(lb)
            do {
                _ = try await batches.registrations.submit(.init(targetGroup: arn, instance: instance.instanceId)).get()
            } catch let error as AWSAPIError where error.code == "TargetGroupNotFound" {
                targetGroups.withLock { $0[lb] = nil }
                let again = try await ensureTargetGroup(lb)
                try await elb.call("RegisterTargets", [("TargetGroupArn", again), ("Targets.member.1.Id", instance.instanceId)])
            }
        }
    }

    public func deregister(lb: String, vmID: String) async throws {
        try await aws {
            guard let arn = try await targetGroupARN(lb) else { return }
            do {
                try await elb.call("DeregisterTargets", [("TargetGroupArn", arn), ("Targets.member.1.Id", vmID)])
            } catch let error as AWSAPIError where error.code == "TargetGroupNotFound" || error.code == "InvalidTarget" {
                if error.code == "TargetGroupNotFound" { targetGroups.withLock { $0[lb] = nil } }
            }
        }
    }
}
