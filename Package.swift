// swift-tools-version:6.1
import Foundation
import PackageDescription

// Release builds target the CPU they are built on (AVX2/AVX-512 where present), because FrontDesk is
// self-hosted: it is compiled on the machine that runs it, and the embedder's and index's hot loops gain
// 2–3× from wide vector instructions. Set FRONTDESK_PORTABLE=1 to build a binary for any x86-64 CPU.
let portable = ProcessInfo.processInfo.environment["FRONTDESK_PORTABLE"].map { $0 == "1" } ?? false
let nativeSwift: [SwiftSetting] = portable ? [] : [
    .unsafeFlags(["-target-cpu", "native"], .when(configuration: .release)),
]
// The embedding engine is optimised (and, unless portable, built for this CPU) in debug builds too: unoptimised
// Swift runs the BERT forward pass's element-wise loops ~50× slower, and the tiled GEMM's SIMD16 code without
// AVX-512 ~30× slower, which would make every test that embeds text take minutes.
let optimisedEngine: [SwiftSetting] = nativeSwift + [
    .unsafeFlags(portable ? ["-O"] : ["-O", "-target-cpu", "native"], .when(configuration: .debug)),
]

let package = Package(
    name: "frontdesk",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "frontdesk", targets: ["frontdesk"]),
        .library(name: "VectorIndex", targets: ["VectorIndex"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        // Without the swift-configuration trait: we read our own configuration (AppConfig).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0", traits: ["FullFoundation"]),
        // The scale-out backend (several nodes, one PostgreSQL database).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        // The web panel (/app): server-rendered HTML templates, and bcrypt for its users' passwords.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
    ],
    targets: [
        // System libraries: Debian's libblas.so.3 is an alternatives slot filled by OpenBLAS (fast) or the
        // reference BLAS; both export cblas_*. Link `blas`, never `openblas` (two BLAS would load) or `cblas`.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS",
                       providers: [.apt(["libblas-dev", "libopenblas-dev"])]),
        .systemLibrary(name: "CLAPACKE", path: "Sources/CLAPACKE",
                       providers: [.apt(["liblapacke-dev"])]),

        .target(name: "VectorIndex", dependencies: ["CBLAS"], swiftSettings: optimisedEngine),
        // Maintenance dispatch (trades, priorities, tickets, vendors): pure, Foundation + Events only. Not named
        // `Dispatch`: that is libdispatch, which Foundation imports.
        .target(name: "Maintenance", dependencies: ["Events"], swiftSettings: nativeSwift),
        .target(name: "Receptionist", dependencies: ["Maintenance", "Campaigns"], swiftSettings: nativeSwift),
        // Outbound calling campaigns (states, scripts, calling windows, recipients and their import): pure,
        // Foundation + Events only.
        .target(name: "Campaigns", dependencies: ["Events"], swiftSettings: nativeSwift),
        // The event log's vocabulary: event types, streams and payloads as plain values (pure, Foundation only).
        .target(name: "Events", swiftSettings: nativeSwift),
        .target(name: "Analytics", dependencies: ["VectorIndex", "CBLAS", "CLAPACKE"], swiftSettings: nativeSwift),
        .target(
            name: "Server",
            dependencies: [
                "VectorIndex", "Receptionist", "Analytics", "Events", "Maintenance", "Campaigns",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                // Bcrypt runs on NIO's blocking thread pool, never on the cooperative pool.
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: nativeSwift
        ),
        .executableTarget(
            name: "frontdesk",
            dependencies: [
                "Server", "VectorIndex", "Receptionist", "Analytics", "Events", "Maintenance", "Campaigns",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: nativeSwift
        ),

        .testTarget(name: "VectorIndexTests", dependencies: ["VectorIndex", "CBLAS"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "ReceptionistTests", dependencies: ["Receptionist"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EventsTests", dependencies: ["Events"]),
        .testTarget(name: "MaintenanceTests", dependencies: ["Maintenance"]),
        .testTarget(name: "CampaignsTests", dependencies: ["Campaigns", "Events"]),
        .testTarget(name: "AnalyticsTests", dependencies: ["Analytics", "VectorIndex"]),
        .testTarget(name: "ServerTests", dependencies: [
            "Server", "Receptionist", "Events", "Maintenance", "Campaigns", .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            // Tests sign Twilio webhooks with their own HMAC code, independent of the server's validator.
            .product(name: "Crypto", package: "swift-crypto"),
            // The LLM stand-in runs a Hummingbird app in a ServiceGroup.
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            // The PostgreSQL contract tests inspect their database directly.
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ], resources: [.copy("Fixtures")]),
    ]
)
