import BosunCompose
import BosunModel
import Testing

/// Random documents plus random *existing* paths into them.
struct DocumentGenerator {
    var rng: SplitMix64
    private let keys = ["a", "b", "name", "jobs", "x/y", "m:n", "t~", "web"]

    mutating func scalar() -> YAMLValue {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .int(Int.random(in: -50...50, using: &rng))
        case 3: return .double(Double(Int.random(in: -500...500, using: &rng)) / 8)
        default: return .string(keys.randomElement(using: &rng)!)
        }
    }

    mutating func value(depth: Int) -> YAMLValue {
        guard depth > 0, Int.random(in: 0..<3, using: &rng) > 0 else { return scalar() }
        if Bool.random(using: &rng) {
            let count = Int.random(in: 0...3, using: &rng)
            var items: [YAMLValue] = []
            for index in 0..<count {
                // Named maps make `name=` matching paths available.
                items.append(Bool.random(using: &rng) ? ["name": .string("n\(index)"), "v": value(depth: depth - 1)] : value(depth: depth - 1))
            }
            return .array(items)
        }
        var pairs: [(key: String, value: YAMLValue)] = []
        for key in keys.shuffled(using: &rng).prefix(Int.random(in: 0...3, using: &rng)) {
            pairs.append((key: key, value: value(depth: depth - 1)))
        }
        return .mapping(pairs)
    }

    /// A pointer to something that exists in `document` (possibly the root).
    mutating func existingPath(in document: YAMLValue) -> [PointerToken] {
        existingRoute(in: document).tokens
    }

    /// An existing pointer plus its concrete route (keys and non-negative
    /// indexes), so callers can tell when two pointers overlap.
    mutating func existingRoute(in document: YAMLValue) -> (tokens: [PointerToken], route: [String]) {
        var tokens: [PointerToken] = []
        var route: [String] = []
        var current = document
        while Int.random(in: 0..<4, using: &rng) > 0 {
            switch current {
            case .array(let items) where !items.isEmpty:
                let index = Int.random(in: 0..<items.count, using: &rng)
                if case .string(let name)? = items[index]["name"],
                   items.filter({ $0["name"] == .string(name) }).count == 1, Bool.random(using: &rng) {
                    tokens.append(.matching(key: "name", value: name))
                } else {
                    tokens.append(.index(Bool.random(using: &rng) ? index : index - items.count))
                }
                route.append("#\(index)")
                current = items[index]
            case .mapping(let pairs) where !pairs.isEmpty:
                let pair = pairs.randomElement(using: &rng)!
                tokens.append(.key(pair.key))
                route.append("." + pair.key)
                current = pair.value
            default:
                return (tokens, route)
            }
        }
        return (tokens, route)
    }
}

@Test(arguments: 0..<8)
func replaceThenTestSamePathPasses(_ seed: UInt64) throws {
    var generator = DocumentGenerator(rng: SplitMix64(seed: seed))
    for _ in 0..<60 {
        let document = generator.value(depth: 4)
        var tokens = generator.existingPath(in: document)
        let value = generator.value(depth: 2)
        // Setting a `name=` item's value could break its own match; assert via the index form instead.
        if case .matching? = tokens.last { tokens.removeLast() }
        // Likewise when the replaced key is the `name` that an earlier step matched on.
        if tokens.count >= 2, case .matching = tokens[tokens.count - 2], tokens.last == .key("name") { continue }
        let pointer = Pointer(tokens: tokens)
        let replaced = try Op(.replace(path: pointer, value: value)).apply(to: document)
        _ = try Op(.test(path: pointer, value: value, absent: false)).apply(to: replaced)
        #expect(try replaced.find(pointer) == value)
        // The printed pointer parses back to the same tokens.
        #expect(try Pointer(pointer.description) == pointer)
    }
}

@Test(arguments: 0..<8)
func idempotentOpListsChangeNothingTheSecondTime(_ seed: UInt64) throws {
    var generator = DocumentGenerator(rng: SplitMix64(seed: seed ^ 0xC0FFEE))
    for _ in 0..<60 {
        let document = generator.value(depth: 4)
        var ops: [Op] = []
        var routes: [[String]] = []
        for _ in 0..<Int.random(in: 1...4, using: &generator.rng) {
            var (tokens, route) = generator.existingRoute(in: document)
            // Overlapping targets (one inside another) make op order matter, so skip them.
            guard !tokens.isEmpty, !routes.contains(where: { $0.starts(with: route) || route.starts(with: $0) }) else { continue }
            // Replacing a matched item (or its `name`) would make its own matcher miss next time.
            if case .matching? = tokens.last, let last = route.last, let index = Int(last.dropFirst()) {
                tokens[tokens.count - 1] = .index(index)
            }
            if route.count >= 2, route.last == ".name", route[route.count - 2].hasPrefix("#") { continue }
            routes.append(route)
            // Plain replaces of existing keys/indexes and optional-key upserts are idempotent.
            if case .key(let key, _)? = tokens.last, Bool.random(using: &generator.rng) {
                ops.append(Op(.replace(path: Pointer(tokens: Array(tokens.dropLast()) + [.key(key + "-new", optional: true)]), value: generator.value(depth: 1))))
            } else {
                ops.append(Op(.replace(path: Pointer(tokens: tokens), value: generator.value(depth: 1))))
            }
        }
        let once = try ops.apply(to: document)
        let twice = try ops.apply(to: once)
        #expect(twice == once)
    }
}

@Test func emitThenParseRoundTrips() throws {
    var generator = DocumentGenerator(rng: SplitMix64(seed: 42))
    for _ in 0..<200 {
        let document = generator.value(depth: 4)
        let text = try document.yamlString()
        #expect(try YAMLParser.parse(text) == document, "\(text)")
    }
}
