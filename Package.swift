// swift-tools-version:6.1
import PackageDescription

/// Loa: an IP loudspeaker broadcast system.
///
/// The data path reads top to bottom:
///   LoaSource (file → decoder → resampler → encoder) → LoaController (programme, pacer, sender)
///   → LoaWire (RTP/Opus) → network → LoaReceiverCore (receive → jitter buffer → decode → ALSA).
/// Everything `loa-receiver` is built from (LoaWire, LoaCodec, LoaSystem, LoaReceiverCore and the C shim)
/// is Embedded-Swift compatible: the firmware build in `Firmware/` compiles exactly these sources.
let package = Package(
    name: "Loa",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "loa", targets: ["loa"]),
        .executable(name: "loa-controller", targets: ["loa-controller"]),
        .executable(name: "loa-receiver", targets: ["loa-receiver"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
    ],
    targets: [
        // C libraries from Debian, found with pkg-config.
        .systemLibrary(name: "COpus", pkgConfig: "opus", providers: [.apt(["libopus-dev"])]),
        .systemLibrary(name: "CALSA", pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr", providers: [.apt(["libsoxr-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CEspeakNG", pkgConfig: "espeak-ng", providers: [.apt(["libespeak-ng-dev"])]),

        // The one C shim: sockets, clocks, signals, ALSA, libopus ctl macros.
        .target(name: "CLoaSystem", dependencies: ["COpus", "CALSA"]),

        // Embedded-compatible core (the firmware is built from these).
        .target(name: "LoaWire"),
        .target(name: "LoaSystem", dependencies: ["CLoaSystem"]),
        .target(name: "LoaCodec", dependencies: ["COpus", "CLoaSystem"]),
        // Identity keys, signatures and message tags (libsodium), for the fleet's heartbeats and commands.
        .target(name: "LoaCrypto", dependencies: ["CSodium"]),
        .target(
            name: "LoaReceiverCore",
            dependencies: ["LoaWire", "LoaCodec", "LoaSystem", "LoaCrypto", "CALSA", "CLoaSystem"]),

        // Server side.
        .target(name: "LoaSource", dependencies: ["CSndFile", "CSoxr", "LoaCodec"]),
        .target(name: "LoaSchedule", dependencies: [.product(name: "Yams", package: "Yams")]),
        // Text read aloud: the Vietnamese text normaliser and the voices (espeak-ng, or a commune's command).
        .target(name: "LoaSpeech", dependencies: ["CEspeakNG", "LoaSource", "LoaCodec"]),
        .target(
            name: "LoaController",
            dependencies: [
                "LoaWire", "LoaCodec", "LoaSystem", "LoaSource", "LoaSchedule", "LoaCrypto", "LoaSpeech",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "LoaCLI",
            dependencies: [
                "LoaSchedule", "LoaSource", "LoaWire", "LoaCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Thin executables.
        .executableTarget(
            name: "loa", dependencies: ["LoaCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "loa-controller",
            dependencies: ["LoaController", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "loa-receiver", dependencies: ["LoaReceiverCore", "LoaSystem"]),

        // Benchmarks (`scripts/bench`, README "Performance"): no product, never run by `swift test`.
        .target(name: "CLoaBench", dependencies: ["COpus"], path: "Benchmarks/CLoaBench"),
        .executableTarget(
            name: "loa-bench",
            dependencies: [
                "CLoaBench", "LoaController", "LoaSource", "LoaReceiverCore", "LoaCodec", "LoaWire", "LoaSystem",
            ],
            path: "Benchmarks/loa-bench"
        ),
        // The fleet at province scale (README "Fleet"): simulated receivers against a real controller.
        .executableTarget(
            name: "loa-fleet-bench", dependencies: ["LoaWire", "LoaCrypto", "LoaSystem"],
            path: "Benchmarks/loa-fleet-bench"),

        // Tests.
        .testTarget(name: "LoaWireTests", dependencies: ["LoaWire"]),
        .testTarget(name: "LoaCodecTests", dependencies: ["LoaCodec"]),
        .testTarget(
            name: "LoaSpeechTests", dependencies: ["LoaSpeech", "LoaSource", "LoaCodec"],
            resources: [.copy("sentences.tsv")]),
        .testTarget(
            name: "LoaControllerTests",
            dependencies: [
                "LoaController", "LoaSource", "LoaSchedule", "LoaWire", "LoaSystem", "LoaCrypto", "LoaSpeech",
            ]),
        .testTarget(
            name: "LoaReceiverCoreTests", dependencies: ["LoaReceiverCore", "LoaWire", "LoaCodec", "LoaCrypto"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "loa", "loa-controller", "loa-receiver", "LoaSource", "LoaCodec", "LoaWire", "LoaCrypto", "LoaSystem",
            ]
        ),
    ]
)
