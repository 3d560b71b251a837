import BosunAWS
import BosunProvider

/// The `aws` handle the drift sweep uses (it has no spec to pick a region by): one inventory
/// sweep over every region this controller has served a cluster in, plus the environment's
/// (`AWS_REGION`), region after region. Page tokens are `<region>|<the region's own token>`.
/// It lists and nothing else: the per-cluster calls go through the spec's own handle
/// (`ProviderRegistry.handle(for:)`), so here they are a terminal `NotRoutable`.
struct AWSRegionalSweep: InfrastructureProvider, InventoryProvider {
    var name: String { "aws" }
    /// Region → a provider of that region, as of now.
    let regions: @Sendable () -> [String: AWSProvider]

    func inventoryPage(loadBalancers: Set<String>, pageToken: String?) async throws -> InventoryPage {
        let current = regions()
        let order = current.keys.sorted()
        var region: String
        var inner: String?
        if let pageToken {
            guard let bar = pageToken.firstIndex(of: "|") else {
                throw ProviderError(.terminal, code: ProviderError.invalidParameter, message: "unknown inventory page token '\(pageToken)'")
            }
            region = String(pageToken[..<bar])
            let rest = String(pageToken[pageToken.index(after: bar)...])
            inner = rest.isEmpty ? nil : rest
        } else {
            guard let first = order.first else { return InventoryPage() }
            region = first
        }
        guard let provider = current[region] else {
            throw ProviderError(.terminal, code: ProviderError.invalidParameter, message: "inventory page token names region '\(region)', not served")
        }
        var page = try await provider.inventoryPage(loadBalancers: loadBalancers, pageToken: inner)
        if let next = page.nextToken {
            page.nextToken = "\(region)|\(next)"
        } else if let following = order.first(where: { $0 > region }) {
            page.nextToken = "\(following)|"
        }
        return page
    }

    private func notRoutable() -> ProviderError {
        ProviderError(.terminal, code: "NotRoutable", message: "the aws sweep handle only lists; per-cluster calls use the spec's region")
    }

    func listVMs(cluster: String) async throws -> [VM] { throw notRoutable() }
    func createVM(_ request: VMRequest) async throws -> VM { throw notRoutable() }
    func deleteVM(id: String) async throws { throw notRoutable() }
    func startVM(id: String) async throws { throw notRoutable() }
    func stopVM(id: String) async throws { throw notRoutable() }
    func listDisks(cluster: String) async throws -> [Disk] { throw notRoutable() }
    func createDisk(_ request: DiskRequest) async throws -> Disk { throw notRoutable() }
    func attachDisk(id: String, to vmID: String) async throws { throw notRoutable() }
    func detachDisk(id: String) async throws { throw notRoutable() }
    func deleteDisk(id: String) async throws { throw notRoutable() }
    func resizeDisk(id: String, sizeMiB: Int) async throws { throw notRoutable() }
    func listMembers(lb: String) async throws -> [String] { throw notRoutable() }
    func register(lb: String, vmID: String) async throws { throw notRoutable() }
    func deregister(lb: String, vmID: String) async throws { throw notRoutable() }
}
