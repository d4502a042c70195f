/// How a receiver buffers and plays one stream.
public struct PlayoutSettings: Equatable, Sendable {
    /// How long the first packet of a talkspurt waits before it plays: the margin against network jitter.
    public var jitterMilliseconds: Int
    /// After the buffer runs dry, how long to wait for more before the stream counts as ended.
    public var idleAfterMilliseconds: Int
    /// The RTP payload type of the stream (dynamic, 96–127).
    public var payloadType: UInt8
    /// Frames the jitter buffer can hold: 256 × 20 ms ≈ 5 s.
    public var bufferFrames: Int

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
