/// A load balancer as the operator sees it: its name and the VMs registered in it.
public struct SimLoadBalancer: Sendable, Hashable, Codable {
    public var name: String
    public var members: [String]

    public init(name: String, members: [String]) {
        self.name = name
        self.members = members
    }
}
