/// Why a datagram at the heartbeat port is not a fleet message. Each is dropped and counted.
public enum FleetWireError: Error, Equatable, Sendable {
    /// Not Loa's magic and version.
    case notFleet
    /// Shorter than its kind needs, or longer.
    case badLength
    /// A field out of range (volume over 100, unknown action, text that is not UTF-8 …).
    case badField
}

/// The messages between speaker boxes and the controller, on UDP, both ways through the same pair of
/// ports (so that a 4G NAT mapping opened by heartbeats carries commands back).
///
/// Every message starts with "LF", version 1 and its kind, and ends with what authenticates it:
///
/// | kind | from | body | trailer |
/// |---|---|---|---|
/// | enrolment | unknown receiver | heartbeat, public key (32) | Ed25519 signature (64) |
/// | heartbeat | enrolled receiver | heartbeat | tag (16) with the shared key |
/// | welcome | controller | receiver id (8), controller public key (32) | Ed25519 signature (64) |
/// | command | controller | receiver id (8), command id (4), action (`ReceiverAction`: 2, or more for a zone) | tag (16) |
/// | acknowledgement | receiver | receiver id (8), command id (4), result (1) | tag (16) |
/// | heartbeat answer | controller | receiver id (8), key list version in force (4), sequence of the heartbeat answered (4), [stream tag key sealed to the box (56)], [zone on the air (1)] | tag (16) |
/// | clip offer | controller | receiver id (8), signed clip manifest (126: `ClipManifest` and the stream key's signature) | tag (16) |
/// | clip request | receiver | receiver id (8), item (8), offset (4), chunks wanted (1, 1–`maximumChunksAsked`) | tag (16) |
/// | clip chunk | controller | receiver id (8), item (8), offset (4), length (2), bytes (at most `clipChunkBytes`) | tag (16) |
/// | timetable | controller | receiver id (8), signed zone timetable (`ZoneTimetable` and the stream key's signature) | tag (16) |
///
/// The signature or tag covers every byte before it, header included, so a message of one kind can never
/// pass for another. Encoding writes the body and leaves the trailer to the caller (LoaWire has no
/// cryptography); parsing returns where the signed part and the trailer lie.
public enum FleetMessage: Equatable, Sendable {
    case enrolment(Heartbeat, publicKey: [UInt8])
    case heartbeat(Heartbeat)
    case welcome(receiver: ReceiverID, controllerKey: [UInt8])
    case command(receiver: ReceiverID, id: UInt32, action: ReceiverAction)
    case acknowledgement(receiver: ReceiverID, id: UInt32, result: UInt8)
    /// The controller's answer to each heartbeat: the version of the key list in force, so that a box that holds
    /// an older one asks for the new list at once instead of at its next scheduled trust request; the sequence of
    /// the heartbeat it answers (`answering`), so that an answer recorded and replayed later cannot pass for the
    /// controller being in reach (the box counts only an answer to a heartbeat it sent lately); and the
    /// controller's stream tag key (`PacketSeal`), sealed with the key it shares with this box
    /// (`sealedTagKeyBytes`: nonce, ciphertext, Poly1305 tag), or nil (an answer without it, as older controllers
    /// sent). `zoneOnAir` says whether the box's zone is on the air (1 byte, 1 or 0), for a box whose heartbeat
    /// carried its delivery (`Heartbeat.delivery`: older boxes would refuse the longer answer); nil otherwise.
    /// A clip the box's zone will air (issue 15): its manifest, signed by the stream key, so the box can fetch it
    /// ahead and verify it without trusting the path it came by.
    case clipOffer(receiver: ReceiverID, manifest: [UInt8])
    /// The box asks for `chunks` chunks of `item`'s clip from byte `offset` on.
    case clipRequest(receiver: ReceiverID, item: UInt64, offset: UInt32, chunks: UInt8)
    /// Bytes of `item`'s clip from `offset` on.
    case clipChunk(receiver: ReceiverID, item: UInt64, offset: UInt32, bytes: [UInt8])
    /// The zone's timetable (issue 15, point 4), signed by the stream key: what the box may play on its own from
    /// its copies when the controller cannot be reached.
    case timetable(receiver: ReceiverID, signed: [UInt8])
    case heartbeatAnswer(
        receiver: ReceiverID, keyListVersion: UInt32, answering: UInt32 = 0, sealedTagKey: [UInt8]? = nil,
        zoneOnAir: Bool? = nil)

    public static let magic: (UInt8, UInt8) = (0x4C, 0x46)
    public static let version: UInt8 = 1
    /// No fleet message is longer.
    public static let maximumBytes = 1024
    public static let signatureBytes = 64
    public static let tagBytes = 16
    public static let publicKeyBytes = 32
    /// A stream tag key (16 bytes) sealed for one box: 24-byte nonce, ciphertext, 16-byte Poly1305 tag.
    public static let sealedTagKeyBytes = 56
    /// A signed clip manifest: `ClipManifest.signedBytes` and an Ed25519 signature.
    public static let signedManifestBytes = 126
    /// The most bytes of a clip one chunk carries (a chunk message stays within `maximumBytes`).
    public static let clipChunkBytes = 960
    /// The most bytes of a signed timetable (`ZoneTimetable.maximumEntries` entries and the signature).
    public static let maximumTimetableBytes = 24 + 18 * 40 + 64
    /// The most chunks one request asks for.
    public static let maximumChunksAsked: UInt8 = 16

    /// The receiver the message is from or for.
    public var receiver: ReceiverID {
        switch self {
        case .enrolment(let heartbeat, _), .heartbeat(let heartbeat): return heartbeat.receiver
        case .welcome(let receiver, _), .command(let receiver, _, _), .acknowledgement(let receiver, _, _),
            .heartbeatAnswer(let receiver, _, _, _, _), .clipOffer(let receiver, _),
            .clipRequest(let receiver, _, _, _),
            .clipChunk(let receiver, _, _, _), .timetable(let receiver, _):
            return receiver
        }
    }

    var kind: UInt8 {
        switch self {
        case .enrolment: return 1
        case .heartbeat: return 2
        case .welcome: return 3
        case .command: return 4
        case .acknowledgement: return 5
        case .heartbeatAnswer: return 6
        case .clipOffer: return 7
        case .clipRequest: return 8
        case .clipChunk: return 9
        case .timetable: return 10
        }
    }

    /// Bytes of the trailer (signature or tag) this kind of message ends with.
    public var trailerBytes: Int {
        switch self {
        case .enrolment, .welcome: return Self.signatureBytes
        case .heartbeat, .command, .acknowledgement, .heartbeatAnswer, .clipOffer, .clipRequest, .clipChunk,
            .timetable:
            return Self.tagBytes
        }
    }

    /// Writes header and body into `buffer` and returns their length; the caller appends `trailerBytes` of
    /// signature or tag over `buffer[0..<length]`. `buffer` must hold `maximumBytes`.
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var writer = WireWriter(buffer)
        writer.put(Self.magic.0)
        writer.put(Self.magic.1)
        writer.put(Self.version)
        writer.put(kind)
        switch self {
        case .enrolment(let heartbeat, let publicKey):
            heartbeat.write(to: &writer)
            writer.put(bytes: publicKey)
        case .heartbeat(let heartbeat):
            heartbeat.write(to: &writer)
        case .welcome(let receiver, let controllerKey):
            writer.put(receiver.value)
            writer.put(bytes: controllerKey)
        case .command(let receiver, let id, let action):
            writer.put(receiver.value)
            writer.put(id)
            action.write(to: &writer)
        case .acknowledgement(let receiver, let id, let result):
            writer.put(receiver.value)
            writer.put(id)
            writer.put(result)
        case .heartbeatAnswer(let receiver, let version, let answering, let sealedTagKey, let zoneOnAir):
            writer.put(receiver.value)
            writer.put(version)
            writer.put(answering)
            if let sealedTagKey { writer.put(bytes: sealedTagKey) }
            if let zoneOnAir { writer.put(UInt8(zoneOnAir ? 1 : 0)) }
        case .clipOffer(let receiver, let manifest):
            writer.put(receiver.value)
            writer.put(bytes: Array(manifest.prefix(Self.signedManifestBytes)))
        case .clipRequest(let receiver, let item, let offset, let chunks):
            writer.put(receiver.value)
            writer.put(item)
            writer.put(offset)
            writer.put(chunks)
        case .clipChunk(let receiver, let item, let offset, let bytes):
            let carried = bytes.prefix(Self.clipChunkBytes)
            writer.put(receiver.value)
            writer.put(item)
            writer.put(offset)
            writer.put(UInt16(carried.count))
            writer.put(bytes: Array(carried))
        case .timetable(let receiver, let signed):
            writer.put(receiver.value)
            writer.put(bytes: Array(signed.prefix(Self.maximumTimetableBytes)))
        }
        return writer.offset
    }

    /// A parsed datagram: the message, the bytes its trailer covers, and the trailer.
    public struct Parsed: Sendable {
        public var message: FleetMessage
        /// `0..<n`: what the signature or tag covers.
        public var signed: Range<Int>
        /// Where the signature or tag lies.
        public var trailer: Range<Int>
    }

    /// Reads a datagram. Throws if it is not exactly one well-formed fleet message; says nothing about
    /// whether it is authentic (the caller checks `trailer` over `signed`).
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(FleetWireError) -> Parsed {
        guard bytes.count >= 4, bytes.count <= maximumBytes else { throw .badLength }
        guard bytes[0] == magic.0, bytes[1] == magic.1, bytes[2] == version else { throw .notFleet }
        let kind = bytes[3]
        let trailer: Int
        switch kind {
        case 1, 3: trailer = signatureBytes
        case 2, 4, 5, 6, 7, 8, 9, 10: trailer = tagBytes
        default: throw .notFleet
        }
        guard bytes.count >= 4 + trailer else { throw .badLength }
        let end = bytes.count - trailer
        var reader = WireReader(UnsafeRawBufferPointer(rebasing: bytes[0..<end]), at: 4)
        let message: FleetMessage
        switch kind {
        case 1:
            let heartbeat = try Heartbeat(reading: &reader)
            let key = try reader.bytes(publicKeyBytes)
            guard ReceiverID(publicKey: key) == heartbeat.receiver else { throw .badField }
            message = .enrolment(heartbeat, publicKey: key)
        case 2: message = .heartbeat(try Heartbeat(reading: &reader))
        case 3:
            message = .welcome(
                receiver: ReceiverID(try reader.uint64()), controllerKey: try reader.bytes(publicKeyBytes))
        case 4:
            let receiver = ReceiverID(try reader.uint64())
            let id = try reader.uint32()
            message = .command(receiver: receiver, id: id, action: try ReceiverAction(reading: &reader))
        case 5:
            let receiver = ReceiverID(try reader.uint64())
            let id = try reader.uint32()
            message = .acknowledgement(receiver: receiver, id: id, result: try reader.uint8())
        case 7:
            message = .clipOffer(
                receiver: ReceiverID(try reader.uint64()), manifest: try reader.bytes(signedManifestBytes))
        case 8:
            let receiver = ReceiverID(try reader.uint64())
            let item = try reader.uint64()
            let offset = try reader.uint32()
            let chunks = try reader.uint8()
            guard chunks >= 1, chunks <= maximumChunksAsked else { throw .badField }
            message = .clipRequest(receiver: receiver, item: item, offset: offset, chunks: chunks)
        case 9:
            let receiver = ReceiverID(try reader.uint64())
            let item = try reader.uint64()
            let offset = try reader.uint32()
            let length = Int(try reader.uint16())
            guard length >= 1, length <= clipChunkBytes else { throw .badField }
            message = .clipChunk(receiver: receiver, item: item, offset: offset, bytes: try reader.bytes(length))
        case 10:
            let receiver = ReceiverID(try reader.uint64())
            let length = end - reader.offset
            guard length >= 1, length <= maximumTimetableBytes else { throw .badField }
            message = .timetable(receiver: receiver, signed: try reader.bytes(length))
        default:
            let receiver = ReceiverID(try reader.uint64())
            let version = try reader.uint32()
            let answering = try reader.uint32()
            let sealed = end - reader.offset >= sealedTagKeyBytes ? try reader.bytes(sealedTagKeyBytes) : nil
            var onAir: Bool?
            if reader.offset < end {
                let byte = try reader.uint8()
                guard byte <= 1 else { throw .badField }
                onAir = byte == 1
            }
            message = .heartbeatAnswer(
                receiver: receiver, keyListVersion: version, answering: answering, sealedTagKey: sealed,
                zoneOnAir: onAir)
        }
        guard reader.offset == end else { throw .badLength }
        return Parsed(message: message, signed: 0..<end, trailer: end..<bytes.count)
    }

    /// The 8-byte receiver id right after the header, without parsing the rest: lets a listener find the
    /// key to check a tag with before spending anything on the body. Nil if the datagram is too short.
    public static func peekReceiver(_ bytes: UnsafeRawBufferPointer) -> ReceiverID? {
        guard bytes.count >= 12 else { return nil }
        var value: UInt64 = 0
        for index in 4..<12 { value = value << 8 | UInt64(bytes[index]) }
        return ReceiverID(value)
    }
}

/// Appends network-byte-order fields to a buffer. Writing past the end is a programming error.
struct WireWriter {
    let buffer: UnsafeMutableRawBufferPointer
    private(set) var offset = 0

    init(_ buffer: UnsafeMutableRawBufferPointer) { self.buffer = buffer }

    mutating func put(_ value: UInt8) {
        buffer[offset] = value
        offset += 1
    }

    mutating func put(_ value: UInt16) {
        buffer.storeBigEndian(value, at: offset)
        offset += 2
    }

    mutating func put(_ value: UInt32) {
        buffer.storeBigEndian(value, at: offset)
        offset += 4
    }

    mutating func put(_ value: UInt64) {
        put(UInt32(truncatingIfNeeded: value >> 32))
        put(UInt32(truncatingIfNeeded: value))
    }

    mutating func put(bytes: [UInt8]) {
        for byte in bytes { put(byte) }
    }

    /// One length byte, then at most `Heartbeat.maximumTextBytes` bytes of UTF-8.
    mutating func put(text: String) {
        let bytes = text.utf8.prefix(Heartbeat.maximumTextBytes)
        put(UInt8(bytes.count))
        for byte in bytes { put(byte) }
    }
}

/// Reads network-byte-order fields, throwing `.badLength` at the end of the bytes.
struct WireReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        self.bytes = bytes
        self.offset = offset
    }

    private mutating func take(_ count: Int) throws(FleetWireError) -> Int {
        guard bytes.count - offset >= count else { throw .badLength }
        defer { offset += count }
        return offset
    }

    mutating func uint8() throws(FleetWireError) -> UInt8 { bytes[try take(1)] }
    mutating func uint16() throws(FleetWireError) -> UInt16 { bytes.loadBigEndianUInt16(at: try take(2)) }
    mutating func uint32() throws(FleetWireError) -> UInt32 { bytes.loadBigEndianUInt32(at: try take(4)) }
    mutating func uint64() throws(FleetWireError) -> UInt64 {
        let high = UInt64(try uint32())
        return high << 32 | UInt64(try uint32())
    }

    mutating func bytes(_ count: Int) throws(FleetWireError) -> [UInt8] {
        let start = try take(count)
        return Array(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count)]))
    }

    mutating func text() throws(FleetWireError) -> String {
        let count = Int(try uint8())
        guard count <= Heartbeat.maximumTextBytes else { throw .badField }
        let start = try take(count)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count)])
        for byte in slice where byte < 0x20 || byte == 0x7F { throw .badField }
        return String(decoding: slice, as: UTF8.self)
    }
}
