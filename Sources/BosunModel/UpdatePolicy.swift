/// How changes to existing instances roll out (BOSH's `update` block).
public struct UpdatePolicy: Sendable, Hashable, Codable {
    /// Instances updated first, alone; a failing canary stops the rollout.
    public var canaries: Quantity
    /// Most instances of a group updated at once, across all AZs.
    public var maxInFlight: Quantity
    /// Whether groups update one after another, in file order.
    public var serial: Bool
    /// Whether a recreate deletes the old VM first or creates the new one first.
    public var vmStrategy: VMStrategy

    public init(canaries: Quantity, maxInFlight: Quantity, serial: Bool, vmStrategy: VMStrategy) {
        self.canaries = canaries
        self.maxInFlight = maxInFlight
        self.serial = serial
        self.vmStrategy = vmStrategy
    }

    /// The defaults of `spec-format.md`: one canary, one in flight, serial, delete-create.
    public static let defaults = UpdatePolicy(
        canaries: .count(1), maxInFlight: .count(1), serial: true, vmStrategy: .deleteCreate)
}

/// How a recreate replaces a VM.
public enum VMStrategy: String, Sendable, Hashable, Codable, CaseIterable {
    case deleteCreate = "delete-create"
    case createSwapDelete = "create-swap-delete"
}

/// A count given either absolutely or as a percentage of a group's changed instances.
public enum Quantity: Sendable, Hashable {
    case count(Int)
    case percent(Int)

    /// Resolves against `total` changed instances: percentages round down (BOSH rule), and the
    /// result is raised to `minimum`, but never above `total` when `total` is smaller.
    public func resolve(total: Int, minimum: Int) -> Int {
        let raw: Int
        switch self {
        case .count(let n): raw = n
        case .percent(let p): raw = total * p / 100
        }
        return max(raw, minimum)
    }
}

extension Quantity: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let n = try? container.decode(Int.self) {
            self = .count(n)
            return
        }
        let text = try container.decode(String.self)
        guard text.hasSuffix("%"), let p = Int(text.dropLast()) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected an integer or \"N%\"")
        }
        self = .percent(p)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .count(let n): try container.encode(n)
        case .percent(let p): try container.encode("\(p)%")
        }
    }
}

extension Quantity: CustomStringConvertible {
    public var description: String {
        switch self {
        case .count(let n): "\(n)"
        case .percent(let p): "\(p)%"
        }
    }
}
