import CLoaAudio
import COpus

/// A libopus encoder for one mono 48 kHz stream in the VOIP application mode.
///
/// Not thread-safe: one encoder belongs to one stream at a time. Encoding allocates nothing.
public final class OpusEncoder {
    private let state: OpaquePointer
    /// The settings it was made with.
    public let settings: EncoderSettings

    /// Creates and configures the encoder. Throws if libopus refuses a setting.
    public init(settings: EncoderSettings = EncoderSettings()) throws(CodecError) {
        var error: Int32 = 0
        guard
            let state = opus_encoder_create(
                Int32(OpusFormat.sampleRate), Int32(OpusFormat.channels), OPUS_APPLICATION_VOIP, &error)
        else { throw CodecError("create the Opus encoder", code: error) }
        self.state = state
        self.settings = settings
        let configured = loa_opus_encoder_configure(
            state, Int32(settings.bitrate), Int32(settings.complexity), settings.inbandFEC ? 1 : 0,
            Int32(settings.expectedLossPercent))
        guard configured == OPUS_OK else {
            opus_encoder_destroy(state)
            throw CodecError("configure the Opus encoder", code: configured)
        }
    }

    deinit { opus_encoder_destroy(state) }

    /// The encoder's look-ahead in samples: the decoded stream lags the input by this much.
    public var lookahead: Int { Int(loa_opus_encoder_lookahead(state)) }

    /// Encodes exactly one frame (`settings.frameSamples` samples) into `packet`; returns the packet's length.
    public func encode(
        _ frame: UnsafeBufferPointer<Int16>, into packet: UnsafeMutableRawBufferPointer
    ) throws(CodecError) -> Int {
        precondition(frame.count == settings.frameSamples, "an Opus frame has a fixed length")
        let length = opus_encode(
            state, frame.baseAddress!, Int32(frame.count),
            packet.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(packet.count))
        guard length > 0 else { throw CodecError("encode", code: length) }
        return Int(length)
    }
}
