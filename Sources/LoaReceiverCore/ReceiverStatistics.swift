/// What a receiver has counted since it started. Reported in its log and, later, its heartbeats.
public struct ReceiverStatistics: Equatable, Sendable {
    /// RTP packets of the stream stored for playout.
    public var received = 0
    /// Frames that never arrived in time (each is then played from a clip held ahead, rebuilt by FEC or concealed).
    public var lost = 0
    /// Packets that arrived after their turn: dropped.
    public var late = 0
    /// Packets that arrived twice: the copy was dropped.
    public var duplicates = 0
    /// Lost frames rebuilt from the next packet's in-band FEC.
    public var recoveredByFEC = 0
    /// Lost frames replaced by the decoder's concealment.
    public var concealed = 0
    /// Datagrams that were not a playable packet of the stream: malformed, foreign, oversized or undecodable.
    public var rejected = 0
    /// Frames written to the sink.
    public var framesPlayed = 0
    /// Frames played from a clip held ahead (issue 15), whether their packet came or not.
    public var fromFile = 0
    /// Frames drift correction resampled one sample shorter or longer (issue 13).
    public var resampled = 0
    /// Talkspurts (items) started.
    public var streamsStarted = 0

    public init() {}

    /// "received=… lost=… …" for log lines.
    public var summary: String {
        "received=" + String(received) + " lost=" + String(lost) + " late=" + String(late) + " duplicates="
            + String(duplicates) + " fec=" + String(recoveredByFEC) + " concealed=" + String(concealed)
            + " rejected=" + String(rejected) + " played=" + String(framesPlayed) + " from-file=" + String(fromFile)
            + " resampled=" + String(resampled)
            + " streams=" + String(streamsStarted)
    }
}
