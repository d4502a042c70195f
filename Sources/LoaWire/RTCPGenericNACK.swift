/// An RTCP generic negative acknowledgement (RFC 4585 §6.2.1: transport-layer feedback, packet type 205, FMT 1):
/// a box names the RTP sequence numbers it lacks, and the controller sends those packets again from its history.
///
/// Each feedback control information entry is a packet id (PID, a lost sequence number) and a bitmask of the 16
/// sequence numbers after it (BLP: bit i set means PID+i+1 is lost too), so one entry covers a burst of up to 17
/// packets. `lost` is kept in the order sequence numbers follow each other (modulo 2^16, starting from the first),
/// without repeats.
public struct RTCPGenericNACK: Equatable, Sendable {
    /// The box's SSRC (the sender of the feedback).
    public var senderSSRC: UInt32
    /// The zone stream's SSRC (the media source the packets belong to).
    public var mediaSSRC: UInt32
    /// The lost sequence numbers, in stream order from the first, at most `maximumLost`.
    public var lost: [UInt16]

    /// At most this many entries in one packet (a burst of 17 × 32 = 544 sequence numbers, 4 + 8 + 128 bytes).
    public static let maximumEntries = 32
    static let feedbackType: UInt8 = 205
    static let genericNACKFormat: UInt8 = 1

    public init(senderSSRC: UInt32, mediaSSRC: UInt32, lost: [UInt16]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.lost = lost
    }

    /// True if `bytes` start like a generic NACK (V=2, FMT=1, PT=205), so they are not a fleet or trust message.
    public static func isNACK(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 16 && bytes[0] >> 6 == RTPHeader.version && bytes[0] & 0x1F == genericNACKFormat
            && bytes[1] == feedbackType
    }

    /// The (PID, BLP) entries for `lost`: each entry starts at the first number not yet covered and marks the
    /// lost numbers among the 16 after it. Numbers that would need more than `maximumEntries` entries are left
    /// out (asked for again by the box's next NACK).
    public var entries: [(pid: UInt16, blp: UInt16)] {
        var result: [(pid: UInt16, blp: UInt16)] = []
        for number in lost {
            if let last = result.last {
                let distance = number &- last.pid
                if distance >= 1 && distance <= 16 {
                    result[result.count - 1].blp |= 1 << (distance - 1)
                    continue
                }
                if distance == 0 { continue }
            }
            guard result.count < Self.maximumEntries else { break }
            result.append((number, 0))
        }
        return result
    }

    /// The RTCP packet: header (V=2, FMT=1, PT=205, length), the two SSRCs, then the entries.
    public var encoded: [UInt8] {
        let entries = self.entries
        var writer = ByteWriter()
        writer.u8(RTPHeader.version << 6 | Self.genericNACKFormat)
        writer.u8(Self.feedbackType)
        writer.u16(UInt16(2 + entries.count))  // length in 32-bit words minus one
        writer.u32(senderSSRC)
        writer.u32(mediaSSRC)
        for entry in entries {
            writer.u16(entry.pid)
            writer.u16(entry.blp)
        }
        return writer.bytes
    }

    /// Reads one generic NACK packet (exactly: no bytes after it). The lost numbers come out in the order the
    /// entries name them, repeats removed.
    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        var reader = ByteReader(bytes)
        let first = try reader.u8()
        guard first >> 6 == RTPHeader.version else { throw .badVersion }
        guard first & 0x1F == Self.genericNACKFormat, try reader.u8() == Self.feedbackType else { throw .badMagic }
        let words = Int(try reader.u16())
        let count = words - 2
        guard count >= 1, count <= Self.maximumEntries, reader.remaining == words * 4 else { throw .badValue }
        senderSSRC = try reader.u32()
        mediaSSRC = try reader.u32()
        var lost: [UInt16] = []
        for _ in 0..<count {
            let pid = try reader.u16()
            let blp = try reader.u16()
            var numbers = [pid]
            for bit in 0..<16 where blp & (1 << bit) != 0 { numbers.append(pid &+ UInt16(bit + 1)) }
            for number in numbers where !lost.contains(number) { lost.append(number) }
        }
        self.lost = lost
        try reader.finish()
    }
}
