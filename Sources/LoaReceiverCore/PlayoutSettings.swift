/// How a receiver buffers and plays one stream.
public struct PlayoutSettings: Equatable, Sendable {
    /// How long the first packet of a talkspurt waits before it plays at least: the margin against network jitter,
    /// and the floor of the adaptive target (`JitterTarget`). Off the commune's timeline only.
    public var jitterMilliseconds: Int
    /// The most the adaptive target rises to (`jitter-max-ms`); never below `jitterMilliseconds`.
    public var jitterCeilingMilliseconds = 400
    /// After the buffer runs dry, how long to wait for more before the stream counts as ended.
    public var idleAfterMilliseconds: Int
    /// The RTP payload type of the stream (dynamic, 96–127).
    public var payloadType: UInt8
    /// Frames the jitter buffer can hold: 256 × 20 ms ≈ 5 s.
    public var bufferFrames: Int
    /// The delay after the sound card, in the amplifier or a DSP (`output-delay-ms`): samples are handed over
    /// this much earlier so that they come out of the horn on time.
    public var outputDelayMilliseconds = 0
    /// The acoustic offset of this box (`delay-ms`): it plays this much later than the commune's timeline, so a
    /// technician can delay the far pole of a road by its distance (about 2.9 ms per metre).
    public var acousticDelayMilliseconds = 0

    public init(
        jitterMilliseconds: Int = 60, idleAfterMilliseconds: Int = 500, payloadType: UInt8 = 111,
        bufferFrames: Int = 256
    ) {
        self.jitterMilliseconds = jitterMilliseconds
        self.idleAfterMilliseconds = idleAfterMilliseconds
        self.payloadType = payloadType
        self.bufferFrames = bufferFrames
    }
}
