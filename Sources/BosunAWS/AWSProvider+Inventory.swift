import BosunProvider
import Foundation

/// The bulk sweep: every instance tagged `bosun:cluster` (pages of up to 1,000, with their
/// agent reports), then every such volume (pages of up to 500), then the asked load
/// balancers' target groups and their registered targets, in one last page. Tokens:
/// `i:<EC2 token>`, `v:<EC2 token>`, `l`.
extension AWSProvider {
    public func inventoryPage(loadBalancers: Set<String>, pageToken: String?) async throws -> InventoryPage {
        let token = pageToken ?? "i:"
        if token.hasPrefix("i:") { return try await instancePage(String(token.dropFirst(2))) }
        if token.hasPrefix("v:") { return try await volumePage(String(token.dropFirst(2))) }
        if token == "l" { return try await memberPage(loadBalancers) }
        throw ProviderError(.terminal, code: ProviderError.invalidParameter, message: "unknown inventory page token '\(token)'")
    }

    private func instancePage(_ ec2Token: String) async throws -> InventoryPage {
        try await aws {
            var p = QueryParameters()
            p.filters([("tag-key", [AWSTags.cluster]), ("instance-state-name", AWSTags.liveInstanceStates)])
            p.add("MaxResults", "1000")
            if !ec2Token.isEmpty { p.add("NextToken", ec2Token) }
            let page = try await ec2.call("DescribeInstances", p.items, as: DescribeInstancesResponse.self)
            let next = page.nextToken.flatMap { $0.isEmpty ? nil : $0 }
            return InventoryPage(
                vms: page.instances.compactMap(AWSTags.vm), health: try await healthReports(page.instances),
                nextToken: next.map { "i:\($0)" } ?? "v:")
        }
    }

    private func volumePage(_ ec2Token: String) async throws -> InventoryPage {
        try await aws {
            var p = QueryParameters()
            p.filters([("tag-key", [AWSTags.cluster]), ("status", AWSTags.liveVolumeStates)])
            p.add("MaxResults", "500")
            if !ec2Token.isEmpty { p.add("NextToken", ec2Token) }
            let page = try await ec2.call("DescribeVolumes", p.items, as: DescribeVolumesResponse.self)
            let next = page.nextToken.flatMap { $0.isEmpty ? nil : $0 }
            return InventoryPage(disks: (page.volumeSet?.items ?? []).compactMap(AWSTags.disk), nextToken: next.map { "v:\($0)" } ?? "l")
        }
    }

    private func memberPage(_ loadBalancers: Set<String>) async throws -> InventoryPage {
        var members: [String: [String]] = [:]
        for lb in loadBalancers.sorted() {
            let found = try await listMembers(lb: lb)
            if !found.isEmpty { members[lb] = found }
        }
        return InventoryPage(members: members, nextToken: nil)
    }
}
