// swift-tools-version:6.1
import PackageDescription

/// Loa: an IP loudspeaker broadcast system.
///
/// The data path reads top to bottom:
///   LoaSource (file → decoder → resampler → encoder) → LoaController (programme, pacer, sender)
///   → LoaWire (RTP/Opus) → network → LoaReceiverCore (receive → jitter buffer → decode → ALSA).
/// Everything `loa-receiver` is built from (LoaWire, LoaCodec, LoaSystem, LoaCrypto, LoaTrust, LoaReceiverCore
/// and the C shims CLoaSystem and CLoaAudio) is Embedded-Swift compatible: the firmware build in `Firmware/` compiles
/// exactly these sources.
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
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // TLS on the control API: the served certificate (swift-nio-ssl), and the one made at first start.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // The office's web pages (server-rendered templates).
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
    ],
    targets: [
        // C libraries from Debian, found with pkg-config.
        .systemLibrary(name: "COpus", pkgConfig: "opus", providers: [.apt(["libopus-dev"])]),
        .systemLibrary(name: "CALSA", pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr", providers: [.apt(["libsoxr-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CEspeakNG", pkgConfig: "espeak-ng", providers: [.apt(["libespeak-ng-dev"])]),
        .systemLibrary(name: "CEbur128", pkgConfig: "libebur128", providers: [.apt(["libebur128-dev"])]),
        .systemLibrary(
            name: "CFFmpeg", pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswresample-dev", "libavutil-dev"])]),

        // The C shims: the system (clocks, signals, sockets, files, systemd), which links nothing beyond libc,
        // and audio (ALSA playback, libopus ctl macros), which only what plays or codes audio depends on.
        .target(name: "CLoaSystem"),
        .target(name: "CLoaAudio", dependencies: ["COpus", "CALSA"]),
        // Streams and compressed files (a radio station over HTTP or HLS, AAC/M4A) through FFmpeg's libraries.
        .target(
            name: "CLoaStream", dependencies: ["CFFmpeg"],
            linkerSettings: ["avformat", "avcodec", "swresample", "avutil"].map { .linkedLibrary($0) }),

        // Embedded-compatible core (the firmware is built from these).
        .target(name: "LoaWire"),
        .target(name: "LoaSystem", dependencies: ["CLoaSystem"]),
        .target(name: "LoaCodec", dependencies: ["COpus", "CLoaAudio"]),
        // Identity keys, signatures and message tags (libsodium), for the fleet's heartbeats and commands.
        .target(name: "LoaCrypto", dependencies: ["CSodium"]),
        // Every seal, signature and tag Loa makes or checks: packets, key lists, emergency commands, fleet
        // messages, key files.
        .target(name: "LoaTrust", dependencies: ["LoaWire", "LoaCrypto", "LoaSystem"]),
        .target(
            name: "LoaReceiverCore",
            dependencies: ["LoaWire", "LoaCodec", "LoaSystem", "LoaCrypto", "LoaTrust", "CALSA", "CLoaAudio"]),

        // Server side.
        // Reading and checking a sound file (libsndfile), apart from encoding it (libsoxr, Opus): the controller
        // checks a schedule's clips with the first (POST /clips/check), so the CLI links no decoder and no codec.
        .target(name: "LoaSoundFile", dependencies: ["CSndFile"]),
        // Encoding a clip once, at its programme loudness (EBU R128, libebur128).
        // Live inputs too: an ALSA capture device encoded in real time (CLoaAudio's capture shim), and relayed
        // radio stations (CLoaStream).
        .target(
            name: "LoaSource",
            dependencies: [
                "LoaSoundFile", "CSoxr", "CEbur128", "LoaCodec", "LoaSystem", "LoaWire", "CLoaAudio", "CLoaStream",
            ]),
        .target(name: "LoaSchedule", dependencies: [.product(name: "Yams", package: "Yams")]),
        // Text read aloud: the Vietnamese text normaliser and the voices (espeak-ng, or a commune's command).
        .target(name: "LoaSpeech", dependencies: ["CEspeakNG", "LoaSource", "LoaCodec"]),
        // The control API's one definition: request and response bodies, enums, routes, error body and the
        // typed client (docs/api/openapi.yaml describes the same API).
        .target(
            name: "LoaControlAPI",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(
            name: "LoaController",
            dependencies: [
                "LoaWire", "LoaCodec", "LoaSystem", "LoaSource", "LoaSchedule", "LoaCrypto", "LoaTrust",
                "LoaControlAPI", "LoaSpeech",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .target(
            name: "LoaCLI",
            dependencies: [
                "LoaSchedule", "LoaWire", "LoaCrypto", "LoaTrust", "LoaSystem", "LoaControlAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // The office's emergency presets (`EmergencyPresets`).
                .product(name: "Yams", package: "Yams"),
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
                "LoaTrust",
            ],
            path: "Benchmarks/loa-bench"
        ),
        // The fleet at province scale (README "Fleet"): simulated receivers against a real controller.
        .executableTarget(
            name: "loa-fleet-bench", dependencies: ["LoaWire", "LoaCrypto", "LoaSystem", "LoaTrust"],
            path: "Benchmarks/loa-fleet-bench"),

        // Shared by the tests and the benchmarks (no product): sealed streams, key-list fixtures.
        .target(
            name: "LoaTestSupport", dependencies: ["LoaTrust", "LoaWire", "LoaCrypto", "LoaCodec"],
            path: "Tests/LoaTestSupport"),

        // Tests: one target per library module. The send- and receive-path allocation tests count with the
        // benchmark's allocator interposer (CLoaBench), which then counts in the whole test binary.
        .testTarget(name: "LoaWireTests", dependencies: ["LoaWire"]),
        .testTarget(
            name: "LoaTrustTests", dependencies: ["LoaTrust", "LoaTestSupport", "LoaWire", "LoaCrypto", "LoaSystem"]),
        .testTarget(name: "LoaCodecTests", dependencies: ["LoaCodec"]),
        .testTarget(name: "LoaSystemTests", dependencies: ["LoaSystem"]),
        .testTarget(name: "LoaCryptoTests", dependencies: ["LoaCrypto"]),
        .testTarget(name: "LoaSourceTests", dependencies: ["LoaSource", "LoaSoundFile", "LoaCodec", "LoaTestSupport"]),
        .testTarget(name: "LoaScheduleTests", dependencies: ["LoaSchedule"]),
        .testTarget(
            name: "LoaCLITests",
            dependencies: [
                "LoaCLI", "LoaControlAPI", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(
            name: "LoaSpeechTests", dependencies: ["LoaSpeech", "LoaSource", "LoaCodec"],
            resources: [.copy("sentences.tsv"), .copy("fuzzed-text.txt")]),
        .testTarget(
            name: "LoaControllerTests",
            dependencies: [
                "LoaController", "LoaControlAPI", "LoaSource", "LoaSchedule", "LoaWire", "LoaSystem", "LoaCrypto",
                "LoaCodec", "LoaTrust", "LoaSpeech", "LoaTestSupport", "CLoaBench",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "LoaControlAPITests",
            dependencies: [
                "LoaControlAPI", "LoaController", "LoaCrypto", "LoaWire", "LoaTrust",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "LoaReceiverCoreTests",
            dependencies: [
                "LoaReceiverCore", "LoaWire", "LoaCodec", "LoaCrypto", "LoaTrust", "LoaTestSupport", "CLoaBench",
            ]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "loa", "loa-controller", "loa-receiver", "LoaSource", "LoaCodec", "LoaWire", "LoaCrypto", "LoaSystem",
                "LoaTrust", "LoaTestSupport",
            ]
        ),
    ]
)
