/// A variable source (a `-v` flag, a vars file, an environment entry) could not
/// be read. ``description`` follows bosh-cli's wording, e.g.
/// `Expected var 'x' to be in format 'name=value'`.
public struct VariablesError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The bosh-cli-worded message.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
