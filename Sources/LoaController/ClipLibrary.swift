import Foundation
import LoaCodec
import LoaSource
import LoaSystem

/// Encoded clips on disk: `STATE_DIR/clips/CLIP.loaclip`, and `CLIP.VARIANT.loaclip` for each other encoding of
/// the same clip (zones with other Opus settings), written atomically (`FileSystem.replace`).
///
/// The library encodes a sound file once for each distinct Opus setting among the commune's zones (usually one),
/// and knows which encoding each zone airs: the first zone's setting is the clip's first encoding, and a zone
/// with another setting airs its own variant if the clip has one, else the first. Every clip is brought to the
/// programme loudness (`loudness`, unless nil) on its way to the encoder: measured once, then encoded with its gain.
public struct ClipLibrary: Sendable {
    public let directory: URL
    /// The loudness every clip is stored at (the controller's `loudness:`); nil: each at its own level.
    public let loudness: LoudnessTarget?
    /// The Opus settings of each zone, by zone name, and the distinct settings in the order of the zones.
    private let settings: [String: EncoderSettings]
    private let encodings: [EncoderSettings]

    /// A library in `directory` (created if needed) for the commune's `zones`, storing clips at `loudness`.
    public init(directory: URL, zones: [Zone], loudness: LoudnessTarget? = LoudnessTarget()) throws {
        self.directory = directory
        self.loudness = loudness
        settings = Dictionary(zones.map { ($0.name, $0.encoder) }, uniquingKeysWith: { first, _ in first })
        var encodings: [EncoderSettings] = []
        for zone in zones where !encodings.contains(zone.encoder) { encodings.append(zone.encoder) }
        self.encodings = encodings
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// One encoding of a clip: `variant` nil for the first.
    public struct Encoding: Sendable {
        public var variant: String?
        public var clip: EncodedClip
    }

    /// A clip's encodings and how its level was changed (nil: it was not).
    public struct Encoded: Sendable {
        public var encodings: [Encoding]
        public var level: LevelPlan?
    }

    /// Measures the sound file at `path` (its loudness and peaks), then encodes it at the programme loudness once
    /// for each distinct Opus setting of the zones, off the caller's thread (a detached task per pass, one after
    /// the other). The first encoding is the first zone's.
    public func encode(path: String) async throws(ClipError) -> Encoded {
        let level: LevelPlan? =
            if let target = loudness {
                try await Task.detached(priority: .userInitiated) {
                    Result { () throws(ClipError) in try LevelPlan.measure(path: path, target: target) }
                }.value.get()
            } else { nil }
        var result: [Encoding] = []
        for (index, settings) in encodings.enumerated() {
            let clip = try await Task.detached(priority: .userInitiated) {
                Result { () throws(ClipError) in
                    try ClipEncoder.encode(path: path, settings: settings, level: level)
                }
            }.value.get()
            result.append(Encoding(variant: index == 0 ? nil : Self.variant(settings), clip: clip))
        }
        return Encoded(encodings: result, level: level)
    }

    /// Reads the sound file at `path` as `encode` would, off the caller's thread, and stores nothing: how long
    /// it plays, its sample rate and channels, or why it cannot be broadcast.
    public func check(path: String) async throws(ClipError) -> (durationMs: Int, sampleRate: Int, channels: Int) {
        let measured = try await Task.detached(priority: .userInitiated) {
            Result { () throws(ClipError) in try ClipFile.measure(path: path) }
        }.value.get()
        return (measured.frames * 1000 / measured.sampleRate, measured.sampleRate, measured.channels)
    }

    /// The name of the encoding for `settings` next to a clip's first one.
    static func variant(_ settings: EncoderSettings) -> String {
        "\(settings.bitrate)bps-\(settings.frameMilliseconds)ms-c\(settings.complexity)-fec\(settings.inbandFEC ? settings.expectedLossPercent : 0)"
    }

    /// Where clip `id` lives (`variant` nil: its first encoding).
    public func url(clip id: Int64, variant: String? = nil) -> URL {
        directory.appendingPathComponent(variant.map { "\(id).\($0).loaclip" } ?? "\(id).loaclip")
    }

    /// Stores the encodings of clip `id`; after a crash each file is either whole or absent.
    public func store(_ encodings: [Encoding], clip id: Int64) throws {
        for encoding in encodings {
            try FileSystem.replace(url(clip: id, variant: encoding.variant).path, with: encoding.clip.serialized())
        }
    }

    /// The encoding of clip `id` that `zone` airs: its own if the clip has one, else the clip's first. Throws a
    /// `ClipLoadError` saying in words what is wrong with its file.
    public func load(clip id: Int64, for zone: String) throws(ClipLoadError) -> EncodedClip {
        try load(clip: id, variant: variant(of: id, for: zone))
    }

    /// The file of the encoding of clip `id` that `zone` airs (what `load(clip:for:)` reads).
    public func file(clip id: Int64, for zone: String) -> URL { url(clip: id, variant: variant(of: id, for: zone)) }

    /// The variant of clip `id` that `zone` airs: its own if the clip has one, else nil (the first).
    private func variant(of id: Int64, for zone: String) -> String? {
        if let own = settings[zone], own != encodings.first,
            FileManager.default.fileExists(atPath: url(clip: id, variant: Self.variant(own)).path)
        {
            return Self.variant(own)
        }
        return nil
    }

    /// Reads one encoding of clip `id` back.
    private func load(clip id: Int64, variant: String?) throws(ClipLoadError) -> EncodedClip {
        let file = url(clip: id, variant: variant)
        let name = "clips/\(file.lastPathComponent)"
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ClipLoadError(
                "its stored clip \(name) is missing from the state directory; queue the sound file again")
        }
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw ClipLoadError("its stored clip \(name) cannot be read (permission denied?)")
        }
        do { return try EncodedClip(serialized: [UInt8](data)) } catch {
            let detail =
                switch error {
                case .storage(let detail): detail
                default: error.message
                }
            throw ClipLoadError("its stored clip \(name) is damaged (\(detail)); queue the sound file again")
        }
    }
}

/// Why a stored clip cannot be played, in words for the broadcaster (it goes into the as-played log).
public struct ClipLoadError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
