/// One entry of a cluster's `variables:` list: a credential Bosun generates, stores encrypted
/// and delivers to the instances whose `properties` reference it as `((name))`.
public struct VariableSpec: Sendable, Hashable, Codable {
    /// Variable name: 1 to 128 letters, digits, `-` and `_`, unique in the cluster.
    public var name: String
    /// What kind of credential it is.
    public var type: VariableType
    /// Certificate options; present exactly when `type` is `certificate`.
    public var certificate: CertificateOptions?

    public init(name: String, type: VariableType, certificate: CertificateOptions? = nil) {
        self.name = name
        self.type = type
        self.certificate = certificate
    }
}
