/// The whole `bosh interpolate` pipeline (bosh-cli's `Template.Evaluate`):
/// parse the template, apply all ops in order, interpolate variables, then
/// optionally extract `--path`.
///
/// As in bosh-cli, ops are applied to the *uninterpolated* template and are not
/// themselves interpolated first: a `((var))` inside an op's `value` is
/// resolved afterwards because it becomes part of the document, while a
/// `((var))` inside an op's `path` is never resolved.
public enum BoshInterpolation {
    /// `bosh interpolate` flags that shape the result.
    public struct Options: Sendable {
        /// `--var-errs`: fail listing every missing variable.
        public var expectAllKeys: Bool
        /// `--var-errs-unused`: fail listing every provided but unused variable.
        public var expectAllVarsUsed: Bool
        /// `--path`: return only the value at this pointer.
        public var path: Pointer?
        /// Print mapping keys in yaml.v2 order (byte-compatible with bosh) instead of document order.
        public var sortKeys: Bool

        /// Options with every flag off unless given.
        public init(expectAllKeys: Bool = false, expectAllVarsUsed: Bool = false, path: Pointer? = nil, sortKeys: Bool = false) {
            self.expectAllKeys = expectAllKeys
            self.expectAllVarsUsed = expectAllVarsUsed
            self.path = path
            self.sortKeys = sortKeys
        }
    }

    /// Applies `ops`, interpolates `variables`, then finds `options.path`.
    ///
    /// Throws ``GoPatchError`` when an op or the `--path` lookup fails, and
    /// ``InterpolationError`` when interpolation fails.
    public static func render(_ template: YAMLValue, ops: [Op], variables: Variables,
                              options: Options = Options()) throws -> YAMLValue {
        let patched = try ops.apply(to: template)
        let interpolated = try interpolate(patched, variables: variables, expectAllKeys: options.expectAllKeys,
                                           expectAllVarsUsed: options.expectAllVarsUsed)
        guard let path = options.path else { return interpolated }
        return try interpolated.find(path)
    }

    /// Text-level variant: parses the template and each named ops file with
    /// bosh-cli's `--ops-file` rules (``OpsFile/parse(_:sourceName:)``), in order.
    ///
    /// Throws ``YAMLSyntaxError`` for an invalid template, ``GoPatchError`` for an
    /// invalid ops file or a failing op, ``InterpolationError`` for interpolation.
    public static func render(templateYAML: String, opsFiles: [(name: String, yaml: String)], variables: Variables,
                              options: Options = Options()) throws -> YAMLValue {
        var ops: [Op] = []
        for file in opsFiles {
            ops += try OpsFile.parse(file.yaml, sourceName: file.name)
        }
        return try render(try YAMLParser.parse(templateYAML), ops: ops, variables: variables, options: options)
    }

    /// What `bosh interpolate` prints for `result`: YAML text, except that with
    /// `--path` a string result is printed raw (so multi-line secrets stay readable).
    ///
    /// Throws only if Yams fails to emit.
    public static func printed(_ result: YAMLValue, options: Options = Options()) throws -> String {
        if options.path != nil, case .string(let text) = result {
            return text + "\n"
        }
        return try result.yamlString(sortKeys: options.sortKeys)
    }
}
