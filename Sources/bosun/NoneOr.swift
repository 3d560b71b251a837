import ArgumentParser

/// A number, or `none` to lift a limit (`--max-vms none`, `--seed none`).
struct NoneOr<Value: LosslessStringConvertible & Comparable & Numeric & Sendable>: ExpressibleByArgument, Sendable {
    var value: Value?

    init?(argument: String) {
        if argument == "none" {
            value = nil
        } else if let number = Value(argument), number >= 0 {
            value = number
        } else {
            return nil
        }
    }
}
