/// An RTCP sender report (RFC 3550 §6.4.1) with no report blocks, sent in a compound packet with an SDES CNAME
/// (§6.5.1), as every RTCP compound packet must carry one: what lets any standard receiver (ffmpeg, GStreamer's
/// rtpbin) map a zone stream's RTP timestamps onto the controller's wall clock.
///
/// The sender report says: the RTP timestamp `rtpTimestamp` corresponds to the instant `ntpTime` (NTP format:
/// seconds since 1900 in the high 32 bits, the fraction in the low 32), and so far `packetCount` packets with
/// `octetCount` payload octets were sent.
public struct RTCPSenderReport: Equatable, Sendable {
    public var ssrc: UInt32
    public var ntpTime: UInt64
    public var rtpTimestamp: UInt32
    public var packetCount: UInt32
    public var octetCount: UInt32
    /// The canonical name of the source (`loa@HOST` or the zone's name), at most 255 bytes of UTF-8.
    public var cname: String

    public init(
        ssrc: UInt32, ntpTime: UInt64, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32, cname: String
    ) {
        self.ssrc = ssrc
        self.ntpTime = ntpTime
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
        self.cname = cname
    }

    /// RTCP packet types (§12.1).
    static let senderReportType: UInt8 = 200
    static let sourceDescriptionType: UInt8 = 202
    /// The SDES item type of a CNAME.
    static let cnameItem: UInt8 = 1
    /// Seconds from 1900-01-01 (NTP's era 0) to 1970-01-01.
    public static let ntpUnixOffsetSeconds: UInt64 = 2_208_988_800

    /// The NTP timestamp of `unixNanoseconds` (ns since 1970).
    public static func ntpTime(unixNanoseconds: Int64) -> UInt64 {
        let nanoseconds = UInt64(max(unixNanoseconds, 0))
        let seconds = nanoseconds / 1_000_000_000 + ntpUnixOffsetSeconds
        let fraction = ((nanoseconds % 1_000_000_000) << 32) / 1_000_000_000
        return (seconds << 32) | fraction
    }

    /// The Unix time (ns since 1970) of an NTP timestamp.
    public static func unixNanoseconds(ntpTime: UInt64) -> Int64 {
        let seconds = Int64(ntpTime >> 32) - Int64(ntpUnixOffsetSeconds)
        let fraction = Int64(((ntpTime & 0xFFFF_FFFF) * 1_000_000_000) >> 32)
        return seconds * 1_000_000_000 + fraction
    }

    /// The compound packet: SR (28 bytes) then SDES with one chunk (the CNAME), padded to 32-bit words.
    public var encoded: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: encodedCount)
        _ = bytes.withUnsafeMutableBytes { write(into: $0) }
        return bytes
    }

    /// The length of the compound packet in bytes.
    public var encodedCount: Int { 28 + chunkWords * 4 + 4 }

    /// The SDES chunk's length in 32-bit words: SSRC, the CNAME item (type, length, text), then at least one zero
    /// octet ending the list, up to the next 32-bit boundary.
    private var chunkWords: Int { (4 + 2 + min(cname.utf8.count, 255) + 1 + 3) / 4 }

    /// Writes the compound packet (`encoded`) into `packet` without allocating (the pacer sends one every few
    /// seconds on its real-time path). Returns its length, or 0 if `packet` is too small.
    public func write(into packet: UnsafeMutableRawBufferPointer) -> Int {
        let count = encodedCount
        guard packet.count >= count else { return 0 }
        packet[0] = RTPHeader.version << 6  // V=2, P=0, RC=0
        packet[1] = Self.senderReportType
        packet.storeBigEndian(UInt16(6), at: 2)  // length in 32-bit words minus one
        packet.storeBigEndian(ssrc, at: 4)
        packet.storeBigEndian(UInt32(truncatingIfNeeded: ntpTime >> 32), at: 8)
        packet.storeBigEndian(UInt32(truncatingIfNeeded: ntpTime), at: 12)
        packet.storeBigEndian(rtpTimestamp, at: 16)
        packet.storeBigEndian(packetCount, at: 20)
        packet.storeBigEndian(octetCount, at: 24)
        packet[28] = RTPHeader.version << 6 | 1  // V=2, P=0, SC=1
        packet[29] = Self.sourceDescriptionType
        packet.storeBigEndian(UInt16(chunkWords), at: 30)
        packet.storeBigEndian(ssrc, at: 32)
        packet[36] = Self.cnameItem
        var length = 0
        for byte in cname.utf8.prefix(255) {
            packet[38 + length] = byte
            length += 1
        }
        packet[37] = UInt8(length)
        for index in (38 + length)..<count { packet[index] = 0 }
        return count
    }

    /// Reads a compound packet that starts with a sender report and holds an SDES CNAME for the same source.
    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        var reader = ByteReader(bytes)
        let first = try reader.u8()
        guard first >> 6 == RTPHeader.version else { throw .badVersion }
        guard try reader.u8() == Self.senderReportType else { throw .badMagic }
        let words = Int(try reader.u8()) << 8 | Int(try reader.u8())
        let reports = Int(first & 0x1F)
        guard words == 6 + 6 * reports else { throw .badValue }
        ssrc = try reader.u32()
        ntpTime = try reader.u64()
        rtpTimestamp = try reader.u32()
        packetCount = try reader.u32()
        octetCount = try reader.u32()
        _ = try reader.raw(24 * reports)
        let description = try reader.u8()
        guard description >> 6 == RTPHeader.version, description & 0x1F >= 1,
            try reader.u8() == Self.sourceDescriptionType
        else { throw .badMagic }
        let length = (Int(try reader.u8()) << 8 | Int(try reader.u8())) * 4
        guard length >= 8, length <= reader.remaining, try reader.u32() == ssrc else { throw .badValue }
        var name: String?
        var left = length - 4
        while left > 0 {
            let item = try reader.u8()
            left -= 1
            if item == 0 { break }
            let size = Int(try reader.u8())
            guard size + 1 <= left else { throw .truncated }
            let text = try reader.raw(size)
            left -= 1 + size
            if item == Self.cnameItem { name = String(decoding: text, as: UTF8.self) }
        }
        guard let name else { throw .badValue }
        cname = name
    }
}
