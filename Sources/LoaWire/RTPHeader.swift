/// The fixed part of an RTP header (RFC 3550 §5.1) that Loa sends and reads.
///
/// Loa always sends version 2, no padding, no CSRCs. A header extension (RFC 8285) is optional;
/// readers skip padding, CSRCs and extensions of any other sender.
public struct RTPHeader: Equatable, Sendable {
    /// Set on the first packet of a talkspurt: Loa sets it on the first packet of each item.
    public var marker: Bool
    /// The 7-bit payload type; Opus uses a dynamic type (96–127), Loa's default is 111.
    public var payloadType: UInt8
    /// Increments by one per packet and wraps at 2^16.
    public var sequenceNumber: UInt16
    /// The sampling instant of the first sample, on a 48 kHz clock for Opus (RFC 7587 §4.1); wraps at 2^32.
    public var timestamp: UInt32
    /// Identifies the stream: one per zone stream and controller run.
    public var ssrc: UInt32

    public init(marker: Bool, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
    }

    /// The size of the fixed header without CSRCs or extension.
    public static let fixedSize = 12
    /// The RTP version this code speaks.
    public static let version: UInt8 = 2
}
