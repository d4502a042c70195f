/// Why a datagram is not an RTP packet Loa can play. Every case is counted as "rejected" by a receiver.
public enum RTPParseError: Error, Equatable, Sendable {
    /// Shorter than the fixed header, or than what its own fields announce.
    case truncated
    /// Not RTP version 2.
    case badVersion
    /// The padding count is zero or larger than the packet.
    case badPadding
    /// Nothing left after the header, extension and padding.
    case emptyPayload
}

/// An RTP packet read in place: the header and where the payload and the header extension lie in the
/// datagram. Reading copies nothing and allocates nothing.
public struct RTPPacket: Sendable {
    /// The fixed header fields.
    public var header: RTPHeader
    /// Byte offsets of the payload in the datagram (padding excluded).
    public var payload: Range<Int>
    /// The 16-bit "defined by profile" field of the header extension, if the packet has one.
    public var extensionProfile: UInt16?
    /// Byte offsets of the extension's data (after its 4-byte header), empty without an extension.
    public var extensionData: Range<Int>

    /// Reads an RTP packet from `bytes`, skipping CSRCs, the header extension and padding.
    ///
    /// Throws if the bytes are not a well-formed RTP version 2 packet with a non-empty payload.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTPParseError) {
        let count = bytes.count
        guard count >= RTPHeader.fixedSize else { throw .truncated }
        let first = bytes[0]
        guard first >> 6 == RTPHeader.version else { throw .badVersion }
        let hasPadding = first & 0x20 != 0
        let hasExtension = first & 0x10 != 0
        let csrcCount = Int(first & 0x0F)
        let second = bytes[1]
        header = RTPHeader(
            marker: second & 0x80 != 0,
            payloadType: second & 0x7F,
            sequenceNumber: bytes.loadBigEndianUInt16(at: 2),
            timestamp: bytes.loadBigEndianUInt32(at: 4),
            ssrc: bytes.loadBigEndianUInt32(at: 8)
        )
        var offset = RTPHeader.fixedSize + 4 * csrcCount
        guard offset <= count else { throw .truncated }
        extensionProfile = nil
        extensionData = offset..<offset
        if hasExtension {
            guard offset + 4 <= count else { throw .truncated }
            let profile = bytes.loadBigEndianUInt16(at: offset)
            let words = Int(bytes.loadBigEndianUInt16(at: offset + 2))
            let dataStart = offset + 4
            let dataEnd = dataStart + 4 * words
            guard dataEnd <= count else { throw .truncated }
            extensionProfile = profile
            extensionData = dataStart..<dataEnd
            offset = dataEnd
        }
        var end = count
        if hasPadding {
            let padding = Int(bytes[count - 1])
            guard padding > 0, offset + padding <= count else { throw .badPadding }
            end = count - padding
        }
        guard offset < end else { throw .emptyPayload }
        payload = offset..<end
    }
}

extension RTPHeader {
    /// Writes this header (no CSRCs, no extension, no padding) followed by `payload` into `buffer`.
    ///
    /// Returns the packet's length, or 0 if `buffer` is too small. Allocates nothing.
    public func write(payload: UnsafeRawBufferPointer, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let length = RTPHeader.fixedSize + payload.count
        guard buffer.count >= length else { return 0 }
        buffer[0] = RTPHeader.version << 6
        buffer[1] = (marker ? 0x80 : 0) | (payloadType & 0x7F)
        buffer.storeBigEndian(sequenceNumber, at: 2)
        buffer.storeBigEndian(timestamp, at: 4)
        buffer.storeBigEndian(ssrc, at: 8)
        if payload.count > 0 {
            UnsafeMutableRawBufferPointer(rebasing: buffer[RTPHeader.fixedSize..<length]).copyMemory(from: payload)
        }
        return length
    }
}
