/// The job definitions that ship with Bosun (`jobs/*.yml`), embedded in the binary so an
/// installed `bosun` needs no checkout. The local provider reads these, then the operator's
/// own catalog directory, whose definitions replace built-in ones of the same name.
public enum BuiltinJobs {
    /// `(file name, YAML text)` of every built-in definition; a test checks this list equals
    /// the `.yml` files of the `jobs/` folder.
    public static let all: [(file: String, yaml: String)] = [
        ("etcd.yml", String(decoding: PackageResources.etcd_yml, as: UTF8.self)),
    ]
}
