// swift-tools-version:6.1
import PackageDescription

/// On x86-64, MnemoCore's bit counts (`nonzeroBitCount`: the Feldman–Zhang sums are popcounts of
/// packed bits) compile to the POPCNT instruction instead of a dozen shifts and masks, three times
/// faster. Every x86-64 CPU since 2008 has it; `mnemo` checks at start and says so on one without.
#if arch(x86_64)
let hardwarePopcount: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-mpopcnt"])]
#else
let hardwarePopcount: [SwiftSetting] = []
#endif

let package = Package(
    name: "Mnemo",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mnemo", targets: ["mnemo"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // C shims: only module maps and `static inline` helpers live here.
        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CSupervisor"),

        .target(name: "MnemoLinalg", dependencies: ["COpenBLAS"]),
        .target(
            name: "MnemoCore",
            dependencies: [
                "MnemoLinalg",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: hardwarePopcount),
        .target(
            name: "MnemoData",
            dependencies: [
                "MnemoCore",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(name: "MnemoLearn", dependencies: ["MnemoCore", "MnemoData", "MnemoLinalg"]),
        .target(name: "MnemoStore", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "MnemoWire", dependencies: ["CZeroMQ", "MnemoCore"]),
        .target(
            name: "MnemoAnalysis",
            dependencies: ["MnemoCore", "MnemoData", "MnemoLearn", "MnemoStore", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "MnemoReport",
            dependencies: ["MnemoAnalysis", "MnemoCore", "MnemoData", "MnemoLinalg", "MnemoStore"]),
        .target(
            name: "MnemoCluster",
            dependencies: [
                "CSupervisor", "MnemoAnalysis", "MnemoCore", "MnemoData", "MnemoLearn", "MnemoStore", "MnemoWire",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "MnemoMetrics",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "mnemo",
            dependencies: [
                "MnemoAnalysis", "MnemoCluster", "MnemoCore", "MnemoReport", "MnemoStore", "MnemoLearn", "MnemoLinalg",
                "MnemoMetrics", "MnemoWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "mnemo-bench", dependencies: ["MnemoLearn", "MnemoLinalg", "MnemoCore"],
            path: "Benchmarks/Sources/mnemo-bench"),
        .executableTarget(
            name: "mnemo-aggregate-bench",
            dependencies: ["MnemoAnalysis", "MnemoCore", "MnemoLearn", "MnemoLinalg", "MnemoReport", "MnemoStore"],
            path: "Benchmarks/Sources/mnemo-aggregate-bench"),

        .target(name: "MnemoTestSupport", dependencies: ["MnemoCore"], path: "Tests/MnemoTestSupport"),
        .testTarget(name: "MnemoLinalgTests", dependencies: ["MnemoLinalg"]),
        .testTarget(name: "MnemoCoreTests", dependencies: ["MnemoCore", "MnemoLinalg", "MnemoTestSupport"]),
        .testTarget(
            name: "MnemoDataTests",
            dependencies: [
                "MnemoData", "MnemoCore", "MnemoTestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .testTarget(name: "MnemoLearnTests", dependencies: ["MnemoLearn", "MnemoCore", "MnemoData", "MnemoLinalg"]),
        .testTarget(
            name: "MnemoStoreTests",
            dependencies: ["MnemoStore", "MnemoCore", "MnemoTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "MnemoWireTests", dependencies: ["MnemoWire", "MnemoCore", "MnemoTestSupport"]),
        .testTarget(name: "MnemoClusterTests", dependencies: ["MnemoAnalysis", "MnemoCluster", "MnemoCore", "MnemoData", "MnemoLearn", "MnemoStore", "MnemoWire"]),
        .testTarget(name: "MnemoAnalysisTests", dependencies: ["MnemoAnalysis", "MnemoCore"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["MnemoStore", "MnemoCore", "MnemoData", "MnemoReport", "MnemoWire", "MnemoCluster", "MnemoTestSupport"]),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
