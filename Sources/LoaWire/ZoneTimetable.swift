/// A zone's timetable as the controller gives it to the zone's boxes (issue 15, point 4; `docs/delivery.md`): the
/// stored-clip items planned for the coming days, each with the instant it airs and its priority, and the items
/// cancelled before they aired. A box holding a clip plays its slot on its own, from its copy, when the controller
/// cannot be reached at that time (`LoaReceiverCore.OfflineTimetable`). Signed by the stream key
/// (`LoaTrust.StreamKeySignature`); `issuedAt` orders timetables (a box never takes an older one) and says how fresh
/// it is.
///
/// Wire form: "LT", version 1, the audience (`PacketAudience`, 10 bytes), issued at (Unix ms, 8), the zone's playout
/// delay (ms, 2), the entry count (1), then each entry: item (8), airs at (Unix ms, 8), priority (1: 0 normal,
/// 1 priority, 2 emergency), flags (1: bit 1 cancelled); then the 64-byte signature of those bytes.
public struct ZoneTimetable: AudienceDocument, Equatable, Sendable {
    /// One item of the timetable.
    public struct Entry: Equatable, Sendable {
        public var item: UInt64
        /// When it airs: its first sample leaves the controller at this instant (Unix ms), and every box plays it
        /// the zone's playout delay later.
        public var airsAt: Int64
        public var priority: UInt8
        /// Cancelled before it aired: never played, and its copy may go.
        public var cancelled: Bool

        public init(item: UInt64, airsAt: Int64, priority: UInt8, cancelled: Bool = false) {
            self.item = item
            self.airsAt = airsAt
            self.priority = priority
            self.cancelled = cancelled
        }
    }

    public var audience: PacketAudience
    /// When the controller issued it (Unix ms on the commune's clock).
    public var issuedAt: Int64
    /// The zone's playout delay when it was issued (ms).
    public var playoutDelayMilliseconds: UInt16
    /// In the order they air.
    public var entries: [Entry]

    static let magic: [UInt8] = [0x4C, 0x54]  // "LT"
    static let version: UInt8 = 1
    static let headerBytes = 24
    static let entryBytes = 18
    /// The most entries one timetable holds (a fleet message stays within `FleetMessage.maximumBytes`).
    public static let maximumEntries = 40

    public init(audience: PacketAudience, issuedAt: Int64, playoutDelayMilliseconds: UInt16, entries: [Entry]) {
        self.audience = audience
        self.issuedAt = issuedAt
        self.playoutDelayMilliseconds = playoutDelayMilliseconds
        self.entries = entries
    }

    /// The bytes the stream key signs (at most `maximumEntries` entries, the first ones).
    public var signed: [UInt8] {
        var writer = ByteWriter()
        writer.raw(Self.magic)
        writer.u8(Self.version)
        writer.u32(audience.group)
        writer.u16(audience.port)
        writer.u32(audience.commune)
        writer.u64(UInt64(bitPattern: issuedAt))
        writer.u16(playoutDelayMilliseconds)
        let carried = entries.prefix(Self.maximumEntries)
        writer.u8(UInt8(carried.count))
        for entry in carried {
            writer.u64(entry.item)
            writer.u64(UInt64(bitPattern: entry.airsAt))
            writer.u8(entry.priority)
            writer.u8(entry.cancelled ? 1 : 0)
        }
        return writer.bytes
    }

    /// The length of the signed part of `bytes` (from its entry count), or nil if too short to say.
    public static func signedLength(of bytes: [UInt8]) -> Int? {
        guard bytes.count >= headerBytes else { return nil }
        return headerBytes + Int(bytes[headerBytes - 1]) * entryBytes
    }

    /// Reads the signed part of `bytes` (`signedLength`); the signature is what follows.
    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        var reader = ByteReader(bytes)
        guard try reader.raw(2) == Self.magic else { throw .badMagic }
        guard try reader.u8() == Self.version else { throw .badVersion }
        let group = try reader.u32()
        let port = try reader.u16()
        audience = PacketAudience(group: group, port: port, commune: try reader.u32())
        issuedAt = Int64(bitPattern: try reader.u64())
        playoutDelayMilliseconds = try reader.u16()
        let count = Int(try reader.u8())
        guard count <= Self.maximumEntries else { throw .badValue }
        entries = []
        for _ in 0..<count {
            let item = try reader.u64()
            let airsAt = Int64(bitPattern: try reader.u64())
            let priority = try reader.u8()
            let flags = try reader.u8()
            guard priority <= 2, flags <= 1 else { throw .badValue }
            entries.append(Entry(item: item, airsAt: airsAt, priority: priority, cancelled: flags == 1))
        }
    }
}
