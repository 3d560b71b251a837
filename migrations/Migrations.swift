/// The SQL migrations of the state database, embedded in the binary so an installed `bosun`
/// needs no checkout. Forward-only: a released migration is never edited, only followed.
public enum EmbeddedMigrations {
    /// `(identifier, sql)` in the order they run. The identifier is the file name without
    /// `.sql`; a test checks this list equals the `.sql` files of the `migrations/` folder.
    public static let all: [(identifier: String, sql: String)] = [
        ("v0001_init", text(PackageResources.v0001_init_sql)),
        ("v0002_reconcile", text(PackageResources.v0002_reconcile_sql)),
        ("v0003_indexes", text(PackageResources.v0003_indexes_sql)),
        ("v0004_safety", text(PackageResources.v0004_safety_sql)),
        ("v0005_retention", text(PackageResources.v0005_retention_sql)),
        ("v0006_healing", text(PackageResources.v0006_healing_sql)),
        ("v0007_spec_sources", text(PackageResources.v0007_spec_sources_sql)),
        ("v0008_revisions", text(PackageResources.v0008_revisions_sql)),
        ("v0009_credentials", text(PackageResources.v0009_credentials_sql)),
        ("v0010_applied_spec", text(PackageResources.v0010_applied_spec_sql)),
        ("v0011_drift_sweeps", text(PackageResources.v0011_drift_sweeps_sql)),
        ("v0012_rotations", text(PackageResources.v0012_rotations_sql)),
        ("v0013_composition", text(PackageResources.v0013_composition_sql)),
        ("v0014_readiness", text(PackageResources.v0014_readiness_sql)),
        ("v0015_local_provider", text(PackageResources.v0015_local_provider_sql)),
        ("v0016_one_of", text(PackageResources.v0016_one_of_sql)),
    ]

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
