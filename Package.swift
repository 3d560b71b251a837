// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Bosun",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bosun", targets: ["bosun"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/CoreOffice/XMLCoder.git", from: "0.18.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // Value types shared by every layer: specs, sizes, policies.
        .target(name: "BosunModel"),
        // Forward-only SQL migrations, embedded in the binary.
        .target(
            name: "BosunMigrations",
            path: "migrations",
            resources: [
                .embedInCode("v0001_init.sql"),
                .embedInCode("v0002_reconcile.sql"),
                .embedInCode("v0003_indexes.sql"),
                .embedInCode("v0004_safety.sql"),
                .embedInCode("v0005_retention.sql"),
                .embedInCode("v0006_healing.sql"),
                .embedInCode("v0007_spec_sources.sql"),
                .embedInCode("v0008_revisions.sql"),
                .embedInCode("v0009_credentials.sql"),
                .embedInCode("v0010_applied_spec.sql"),
                .embedInCode("v0011_drift_sweeps.sql"),
                .embedInCode("v0012_rotations.sql"),
                .embedInCode("v0013_composition.sql"),
                .embedInCode("v0014_readiness.sql"),
                .embedInCode("v0015_local_provider.sql"),
                .embedInCode("v0016_one_of.sql"),
            ]
        ),
        // YAML decoding, validation, canonical hashing, directory listing and watching.
        .target(
            name: "BosunSpec",
            dependencies: [
                "BosunModel", "BosunCompose", "BosunJobCatalog",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // go-patch ops files and BOSH variable interpolation over ordered YAML (`bosun render`,
        // composed cluster files).
        .target(
            name: "BosunCompose",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // Credential generation (swift-certificates, swift-crypto) and encryption at rest. No I/O but the key file.
        .target(
            name: "BosunCredentials",
            dependencies: [
                "BosunModel",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // The only module that speaks SQL.
        .target(
            name: "BosunStore",
            dependencies: [
                "BosunModel", "BosunSpec", "BosunMigrations", "BosunPlanner", "BosunProvider", "BosunCredentials",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The C API, for the writer's WAL hook (`WALCheckpointer`).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // The provider seam: protocols, resource values and the shared error type. No implementation.
        .target(name: "BosunProvider", dependencies: ["BosunModel"]),
        // The simulated cloud: a real provider over its own SQLite file.
        .target(
            name: "BosunSim",
            dependencies: [
                "BosunModel", "BosunProvider",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The local provider: VMs are runit trees on loopback addresses, disks directories,
        // load balancers haproxy processes; jobs come from the job catalog (`jobs/`).
        .target(
            name: "BosunLocal",
            dependencies: [
                "BosunModel", "BosunProvider", "BosunJobCatalog",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // The built-in job catalog of the local provider, embedded in the binary.
        .target(name: "BosunJobCatalog", path: "jobs", resources: [.embedInCode("etcd.yml")]),
        // The AWS provider: EC2, EBS, ELBv2 and SSM over their HTTP APIs (SigV4, Query/XML, JSON).
        .target(
            name: "BosunAWS",
            dependencies: [
                "BosunModel", "BosunProvider",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "XMLCoder", package: "XMLCoder"),
            ]
        ),
        // The provider contract as an executable suite every provider's tests run.
        .target(
            name: "BosunProviderConformance",
            dependencies: ["BosunProvider"]
        ),
        // Pure planning: (desired, observed, recorded) -> Plan. No I/O, clock or randomness.
        .target(
            name: "BosunPlanner",
            dependencies: [
                "BosunModel", "BosunProvider",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Long-running pieces: ingestion service, watcher loop.
        .target(
            name: "BosunController",
            dependencies: [
                "BosunModel", "BosunSpec", "BosunStore", "BosunPlanner", "BosunProvider", "BosunCredentials",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // glibc's malloc.h, for the allocator tuning the CLI applies at start.
        .target(name: "CMalloc"),
        .executableTarget(
            name: "bosun",
            dependencies: [
                "CMalloc", "BosunModel", "BosunSpec", "BosunStore", "BosunCredentials", "BosunController", "BosunProvider", "BosunSim", "BosunPlanner", "BosunAWS",
                "BosunCompose", "BosunLocal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "BosunSpecTests", dependencies: ["BosunSpec", "BosunModel"], resources: []),
        .testTarget(name: "BosunComposeTests", dependencies: ["BosunCompose", "BosunModel"]),
        .testTarget(name: "BosunStoreTests", dependencies: ["BosunStore", "BosunCredentials", "BosunSpec", "BosunModel", "BosunMigrations", "BosunPlanner", "BosunProvider"]),
        .testTarget(
            name: "BosunControllerTests",
            dependencies: ["BosunController", "BosunStore", "BosunSpec", "BosunPlanner", "BosunProvider", "BosunSim", "BosunModel", "BosunCredentials", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "BosunCLITests", dependencies: ["BosunStore", "BosunLocal"]),
        .testTarget(name: "BosunCredentialsTests", dependencies: ["BosunCredentials", "BosunModel", "BosunSpec"]),
        .testTarget(name: "BosunPlannerTests", dependencies: ["BosunPlanner", "BosunModel", "BosunProvider"]),
        .testTarget(name: "BosunLocalTests", dependencies: ["BosunLocal", "BosunJobCatalog", "BosunModel", "BosunProvider"]),
        .testTarget(name: "BosunSimTests", dependencies: ["BosunSim", "BosunProvider", "BosunProviderConformance"]),
        .testTarget(
            name: "BosunAWSTests",
            dependencies: [
                "BosunAWS", "BosunProvider", "BosunProviderConformance",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
