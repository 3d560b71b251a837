import Foundation

extension QueryClient {
    /// Every page of an EC2 `Describe*` call: the filters and ids given, `pageSize` items a page
    /// when no ids are named (EC2 refuses `MaxResults` together with ids), following
    /// `NextToken` until it is absent or empty.
    func describeAll<Page: Decodable, Item>(
        _ action: String, idParameter: String, pageSize: Int, _ filters: [(name: String, values: [String])], ids: [String],
        as type: Page.Type, items: (Page) -> [Item], next: (Page) -> String?
    ) async throws(AWSAPIError) -> [Item] {
        var all: [Item] = []
        var token: String?
        repeat {
            var p = QueryParameters()
            p.filters(filters)
            p.list(idParameter, ids)
            if ids.isEmpty { p.add("MaxResults", "\(pageSize)") }
            if let token { p.add("NextToken", token) }
            let page = try await call(action, p.items, as: type)
            all += items(page)
            token = next(page).flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return all
    }

    /// EC2 instances matching `filters` (and `ids`), every page.
    func describeInstances(_ filters: [(name: String, values: [String])], ids: [String] = []) async throws(AWSAPIError) -> [EC2Instance] {
        try await describeAll(
            "DescribeInstances", idParameter: "InstanceId", pageSize: 1000, filters, ids: ids, as: DescribeInstancesResponse.self,
            items: \.instances, next: \.nextToken)
    }

    /// EBS volumes matching `filters` (and `ids`), every page.
    func describeVolumes(_ filters: [(name: String, values: [String])], ids: [String] = []) async throws(AWSAPIError) -> [EC2Volume] {
        try await describeAll(
            "DescribeVolumes", idParameter: "VolumeId", pageSize: 500, filters, ids: ids, as: DescribeVolumesResponse.self,
            items: { $0.volumeSet?.items ?? [] }, next: \.nextToken)
    }
}
