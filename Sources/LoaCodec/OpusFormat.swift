/// The audio format on Loa's wire: Opus at 48 kHz, mono, in fixed-length frames.
public enum OpusFormat {
    /// Samples per second of the RTP clock and of decoded audio (RFC 7587 §4.1).
    public static let sampleRate = 48_000
    /// Loa sends and plays mono: one loudspeaker horn per box.
    public static let channels = 1
    /// The largest Opus packet (RFC 6716 §3.4).
    public static let maximumPacketBytes = 1275
    /// The longest Opus packet: 120 ms.
    public static let maximumPacketSamples = 5760

    /// Samples per channel in a frame of `milliseconds` at 48 kHz.
    public static func samples(milliseconds: Int) -> Int { sampleRate / 1000 * milliseconds }
}

/// The encoder settings of a stream (RFC 7587 leaves them to the sender).
public struct EncoderSettings: Equatable, Sendable {
    /// Target bitrate in bits per second: 32 kbit/s carries speech well and fits any 4G link.
    public var bitrate: Int
    /// Frame length in milliseconds: 10, 20, 40 or 60. Loa's default is 20.
    public var frameMilliseconds: Int
    /// libopus complexity 0–10; 10 is libopus's and ffmpeg's default.
    public var complexity: Int
    /// In-band forward error correction: a lost packet can be rebuilt from the next one.
    public var inbandFEC: Bool
    /// The loss the encoder plans FEC for, in percent.
    public var expectedLossPercent: Int

    public init(
        bitrate: Int = 32_000, frameMilliseconds: Int = 20, complexity: Int = 10, inbandFEC: Bool = true,
        expectedLossPercent: Int = 10
    ) {
        self.bitrate = bitrate
        self.frameMilliseconds = frameMilliseconds
        self.complexity = complexity
        self.inbandFEC = inbandFEC
        self.expectedLossPercent = expectedLossPercent
    }

    /// Samples per channel per frame at 48 kHz.
    public var frameSamples: Int { OpusFormat.samples(milliseconds: frameMilliseconds) }
}
