/// Which of an instance's recorded resources an attempt reads when it is journaled as running.
public struct InstanceReads: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The instance's current VM.
    public static let vm = InstanceReads(rawValue: 1)
    /// The instance's newest attached or detached disk.
    public static let disk = InstanceReads(rawValue: 2)
}
