/// Spreads a group's instances evenly over its AZs. Sticky: an instance keeps its AZ unless the
/// AZ was removed from the group; new (or displaced) instances go to the least-loaded AZ, ties
/// broken by the AZ's position in the spec.
public enum Placement {
    /// AZ for each index in `0..<count`, given the AZs existing instances are in.
    public static func assign(count: Int, azs: [String], existing: [Int: String]) -> [String] {
        precondition(!azs.isEmpty, "validation guarantees at least one AZ")
        var load = Dictionary(uniqueKeysWithValues: azs.map { ($0, 0) })
        var result = [String?](repeating: nil, count: count)
        for index in 0..<count {
            if let az = existing[index], load[az] != nil {
                result[index] = az
                load[az]! += 1
            }
        }
        for index in 0..<count where result[index] == nil {
            let az = azs.min { (load[$0]!, azs.firstIndex(of: $0)!) < (load[$1]!, azs.firstIndex(of: $1)!) }!
            result[index] = az
            load[az]! += 1
        }
        return result.map { $0! }
    }

    /// Orders instances so consecutive ones are in different AZs (round-robin over AZs in spec
    /// order), so a batch never takes more than its share from one AZ.
    public static func interleave(_ items: [(index: Int, az: String)], azs: [String]) -> [Int] {
        var queues: [String: [Int]] = [:]
        for item in items.sorted(by: { $0.index < $1.index }) { queues[item.az, default: []].append(item.index) }
        let order = azs + queues.keys.filter { !azs.contains($0) }.sorted()
        var out: [Int] = []
        var round = 0
        while out.count < items.count {
            for az in order where round < queues[az]?.count ?? 0 { out.append(queues[az]![round]) }
            round += 1
        }
        return out
    }
}
